/**
 * (b) Every registered model trains a few steps on WebGPU (software adapter), WebGL and WASM
 *     inside the worker, with losses agreeing with CPU — through the page's "Check backends".
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, openApp, waitForBackend } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: true });
});
afterAll(async () => {
  await browser?.close();
});

it('WebGPU, WebGL and WASM match CPU losses for every registered model', async () => {
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  // With the flag the WebGPU adapter is SwiftShader (software): auto starts on WASM, the fastest
  // without a GPU, and has nothing to apologise for (WebGPU is there, only slower).
  expect(await waitForBackend(page)).toMatch(/^Backend: WASM \(\d+ threads?\)$/);
  expect(await page.getByRole('note').count()).toBe(0);

  const models = await page
    .getByLabel('Model', { exact: true })
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(models.length).toBeGreaterThanOrEqual(3);
  expect(models).toEqual(expect.arrayContaining(['share_bottom', 'mmoe', 'ple']));

  const section = page.getByRole('region', { name: 'Backend check' });
  for (const label of ['WebGPU', 'WebGL', 'WASM']) {
    expect(await section.getByLabel(label).isChecked()).toBe(true);
  }
  await section.getByRole('button', { name: 'Check backends' }).click();

  const status = section.getByRole('status');
  await expect
    .poll(() => status.textContent(), { timeout: 200_000, interval: 1000 })
    .toMatch(/^Backend check (passed|failed)/);
  const text = (await status.textContent()) ?? '';

  const table = section.getByRole('table');
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? '')));
  // One CPU reference row and one judged row per backend, for every model.
  expect(rows.length).toBe(models.length * 4);
  const judged = rows.filter((r) => r[1] !== 'CPU');
  expect(judged.map((r) => r[4])).toEqual(judged.map(() => 'pass'));
  for (const r of judged) {
    const losses = r[2].split(' ').map(Number);
    expect(losses.length).toBe(5);
    expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    expect(Number(r[3])).toBeLessThanOrEqual(1e-3);
  }
  // The losses move: the check really trained (Adam steps change the loss).
  const cpuRows = rows.filter((r) => r[1] === 'CPU');
  for (const r of cpuRows) {
    const l = r[2].split(' ').map(Number);
    expect(l[0]).not.toBe(l[l.length - 1]);
  }
  expect(text).toBe(
    `Backend check passed: ${judged.length} of ${judged.length} comparisons within tolerance.`,
  );
  // After the check the worker is back on the user's backend.
  expect(await waitForBackend(page)).toMatch(/^Backend: WASM \(\d+ threads?\)$/);
  expect(errors).toEqual([]);
});
