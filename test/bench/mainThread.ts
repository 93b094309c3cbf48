/**
 * `npx vite build && npx tsx test/bench/mainThread.ts [builtin|upload] [epochs]`: what the page's
 * main thread does while training MMoE on WASM (built-in data, batch 128; or the uploaded video
 * validation file, batch 256). Records a Chrome trace (devtools.timeline + V8 CPU profiler) from
 * the Train click to "Done" and prints every main-thread task over 15 ms with its wall and CPU
 * time (`tdur`: wall minus time the OS ran other threads), its trace events, and the functions the
 * CPU profiler saw in it; plus the long tasks and Long Animation Frame script attribution seen by
 * the page itself. How the long tasks of issue #3 item 7 were found (README, long tasks).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { preview } from 'vite';
import { launchBrowser, openApp, waitForBackend, waitForTrainingStatus } from '../e2e/browser';
import { videoValBytes } from '../sharedData';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      startTime?: number;
      timeDeltas?: number[];
      cpuProfile?: {
        nodes?: { id: number; parent?: number; callFrame: { functionName: string } }[];
        samples?: number[];
      };
    };
  };
}

const mode = process.argv[2] === 'upload' ? 'upload' : 'builtin';
const epochs = process.argv[3] ?? (mode === 'upload' ? '1' : '2');
const MIN_TASK_MS = 15;

const root = path.resolve(import.meta.dirname, '../..');
const server = await preview({
  root,
  configFile: path.join(root, 'vite.config.ts'),
  logLevel: 'warn',
  preview: { host: '127.0.0.1', port: 0, open: false },
});
const baseUrl = server.resolvedUrls?.local[0] ?? '';
const browser = await launchBrowser({ webgpu: false });
const dir = mkdtempSync(path.join(tmpdir(), 'mtl-trace-'));
try {
  const { page } = await openApp(browser, baseUrl);
  await waitForBackend(page);
  await page.getByText(/rows · \d+ features/).waitFor({ timeout: 60_000 });
  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await waitForBackend(page, 90_000);
  if (mode === 'upload') {
    const csv = path.join(dir, 'val.csv');
    writeFileSync(csv, videoValBytes());
    await page.getByLabel('Data source').selectOption('csv');
    await page.getByLabel('Training CSV file').setInputFiles(csv);
    await page.getByLabel('Validation share (%)').fill('10');
    await page.getByLabel('Test share (%)').fill('10');
    await page.getByRole('button', { name: 'Load data' }).click();
    await page.getByText(/rows · 499 features/).waitFor({ timeout: 90_000 });
  }
  await page.getByLabel('Model', { exact: true }).selectOption('mmoe');
  await page.getByLabel('Epochs', { exact: true }).fill(epochs);
  await page.getByLabel('Batch size', { exact: true }).fill(mode === 'upload' ? '256' : '128');

  // The page's own view: long tasks and long animation frames with script attribution.
  await page.waitForFunction(() => true, null, { polling: 500 });
  await page.evaluate(() => {
    const w = window as unknown as { __lt: number[]; __loaf: string[] };
    w.__lt = [];
    w.__loaf = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lt.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        if (e.duration < 50) continue;
        const f = e as PerformanceEntry & {
          scripts: { invoker: string; sourceFunctionName: string; duration: number }[];
        };
        const scripts = f.scripts
          .map((s) => `${s.invoker} ${s.sourceFunctionName} ${Math.round(s.duration)} ms`)
          .join('; ');
        w.__loaf.push(`frame ${Math.round(e.duration)} ms: ${scripts || '(rendering only)'}`);
      }
    }).observe({ type: 'long-animation-frame' });
  });

  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8.execute',
        'disabled-by-default-v8.cpu_profiler',
      ],
    },
    transferMode: 'ReportEvents',
  });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForTrainingStatus(page, /^Done after \d+ epoch/);
  await page.waitForTimeout(1000);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await complete;
  const seen = await page.evaluate(() => {
    const w = window as unknown as { __lt: number[]; __loaf: string[] };
    return { __lt: w.__lt, __loaf: w.__loaf };
  });
  console.log(`long tasks seen by the page: [${seen.__lt.join(', ')}] ms`);
  for (const f of seen.__loaf) console.log(`  ${f}`);
  report(events);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Main-thread tasks over MIN_TASK_MS: wall, CPU, events by name, CPU-profile functions. */
function report(events: TraceEvent[]): void {
  // The page's renderer main thread: the CrRendererMain with the most tasks.
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const count = (t: TraceEvent) =>
    events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.name === 'RunTask').length;
  const main = mains.sort((a, b) => count(b) - count(a))[0];
  if (main === undefined) throw new Error('No renderer main thread in the trace.');
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  // CPU profile samples (time, function name) of that thread.
  const names = new Map<number, string>();
  const samples: { ts: number; fn: string }[] = [];
  const profile = events.find((e) => e.name === 'Profile' && e.tid === main.tid);
  let ts = profile?.args?.data?.startTime ?? 0;
  for (const c of events.filter((e) => e.name === 'ProfileChunk' && e.id === profile?.id)) {
    const cp = c.args?.data?.cpuProfile;
    for (const n of cp?.nodes ?? []) names.set(n.id, n.callFrame.functionName || '(anonymous)');
    const deltas = c.args?.data?.timeDeltas ?? [];
    (cp?.samples ?? []).forEach((id, i) => {
      ts += deltas[i] ?? 0;
      samples.push({ ts, fn: names.get(id) ?? '?' });
    });
  }
  const tasks = mine.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) / 1000 > MIN_TASK_MS);
  console.log(`main-thread tasks over ${MIN_TASK_MS} ms (wall / CPU):`);
  for (const t of tasks.slice(1)) {
    // (the first is the profiler starting)
    const a = t.ts;
    const b = t.ts + (t.dur ?? 0);
    const byName = new Map<string, number>();
    for (const e of mine) {
      if (e === t || e.ph !== 'X' || e.ts < a || e.ts + (e.dur ?? 0) > b) continue;
      byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    }
    const self = new Map<string, number>();
    for (const s of samples) if (s.ts >= a && s.ts <= b) self.set(s.fn, (self.get(s.fn) ?? 0) + 1);
    const top = (m: Map<string, number>, n: number, unit: string) =>
      [...m]
        .sort((x, y) => y[1] - x[1])
        .slice(0, n)
        .map(([k, v]) => `${k} ${v.toFixed(unit === 'ms' ? 1 : 0)}${unit}`)
        .join(', ');
    console.log(
      `- ${((t.dur ?? 0) / 1000).toFixed(1)} / ${((t.tdur ?? 0) / 1000).toFixed(1)} ms: ${top(byName, 5, 'ms')}`,
    );
    if (self.size > 0) console.log(`    samples: ${top(self, 8, '')}`);
  }
}
