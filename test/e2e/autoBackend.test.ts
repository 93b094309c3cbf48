/**
 * Backend "Auto" with Train clicked as soon as it is enabled: the run starts on the backend known
 * to be fastest on a machine without a GPU (WASM), never on a software-emulated WebGL/WebGPU
 * because the start-up calibration is still measuring; the page says why.
 * Once the bug: Auto took the first backend that initialised (WebGL here, or WebGPU on the
 * SwiftShader adapter with the flag) and a run started right after load trained ~10× slower.
 */
import type { Browser } from 'playwright-core';
import { afterEach, expect, inject, it } from 'vitest';
import { launchBrowser, openApp, waitForTrainingStatus } from './browser';

let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

it.each([
  { webgpu: false, webgpuKind: 'unavailable' },
  { webgpu: true, webgpuKind: 'software emulation' },
])(
  'Train right after load with Auto runs on WASM (WebGPU flag: $webgpu)',
  async ({ webgpu, webgpuKind }) => {
    browser = await launchBrowser({ webgpu });
    const { page, errors } = await openApp(browser, inject('baseUrl'));
    expect(await page.getByLabel('Backend', { exact: true }).inputValue()).toBe('auto');
    const train = page.getByRole('button', { name: 'Train', exact: true });
    await expect.poll(() => train.isEnabled(), { timeout: 120_000, interval: 50 }).toBe(true);
    await train.click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Stop' }).isEnabled(), { timeout: 60_000 })
      .toBe(true);

    // The run's backend: the worker trains on what it last reported, and the calibration runs
    // in a worker of its own, so nothing switches it under the run.
    const header = (await page.getByText(/^Backend: /).textContent()) ?? '';
    expect(header).toMatch(/^Backend: WASM \(\d+ threads?\)$/);
    // Why: shown next to the speeds (or, once measured, the calibrated choice).
    const why = (await page.locator('.auto-choice').textContent()) ?? '';
    expect(why).toMatch(
      new RegExp(
        `^Auto: WASM \\(\\d+ threads?\\)( for now — no GPU found \\(WebGPU: ${webgpuKind}; WebGL: software emulation\\)|, the fastest in the speed check)`,
      ),
    );
    // A missing adapter is a notice, not an error; a software adapter is no failure at all.
    const notices = await page.getByRole('note').allTextContents();
    expect(notices).toEqual(
      webgpu ? [] : ['WebGPU is not available in this browser (no adapter); using WASM.'],
    );

    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForTrainingStatus(page, /^(Stopped|Done)/, 60_000);
    expect(await page.getByText(/^Backend: /).textContent()).toMatch(/^Backend: WASM/);
    expect(errors).toEqual([]);
  },
);
