/**
 * Console output of the runner: permanent lines, plus a throttled status line that is redrawn in
 * place on a TTY and printed only every few seconds otherwise (logs stay short).
 */

/** Where the runner writes; process.stdout/stderr by default, a buffer in tests. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
}

export class Reporter {
  private lastStatus = 0;
  private statusShown = false;
  private readonly tty: boolean;

  /**
   * @param out where progress goes
   * @param intervalMs minimum time between two status lines off a TTY
   */
  constructor(
    private readonly out: OutStream,
    private readonly intervalMs = 5000,
  ) {
    this.tty = out.isTTY === true;
  }

  /** A line that stays. */
  line(text: string): void {
    this.clearStatus();
    this.out.write(text + '\n');
  }

  /** A transient progress line: ≤ 10/s redrawn on a TTY, every intervalMs otherwise. */
  status(text: string, now = Date.now()): void {
    const gap = this.tty ? 100 : this.intervalMs;
    if (now - this.lastStatus < gap) return;
    this.lastStatus = now;
    if (this.tty) {
      this.out.write('\r\x1b[2K' + text);
      this.statusShown = true;
    } else {
      this.out.write(text + '\n');
    }
  }

  private clearStatus(): void {
    if (this.statusShown) {
      this.out.write('\r\x1b[2K');
      this.statusShown = false;
    }
  }
}

export function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
}

export function fmtInt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

export function fmtBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
}
