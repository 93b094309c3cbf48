/**
 * (c) Without the WebGPU flag there is no adapter: with backend "auto" the page falls back, says
 *     so in a visible notice that names WebGPU, and shows the backend it actually uses.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, openApp, waitForBackend } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
});

it('auto falls back from WebGPU and says which backend it uses', async () => {
  const { page, errors } = await openApp(browser, inject('baseUrl'));
  expect(await page.getByLabel('Backend', { exact: true }).inputValue()).toBe('auto');
  const line = await waitForBackend(page);
  const used = /^Backend: (WebGL|WASM|CPU)\b/.exec(line);
  expect(used, `unexpected backend line "${line}"`).not.toBeNull();

  const notice = page.getByRole('note');
  await notice.waitFor();
  expect(await notice.isVisible()).toBe(true);
  const text = (await notice.textContent()) ?? '';
  expect(text).toMatch(/^WebGPU is not available in this browser \(no adapter\)/);
  expect(text).toMatch(new RegExp(`using ${used?.[1]}\\.$`));
  // A notice, not an error: no alert box.
  expect(await page.getByRole('alert').count()).toBe(0);

  // An explicit WebGPU choice falls back the same way.
  await page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
  await expect
    .poll(() => page.getByRole('note').textContent(), { timeout: 60_000 })
    .toMatch(/^WebGPU is not available in this browser \(no adapter\); using WebGL\.$/);
  expect(errors).toEqual([]);
});
