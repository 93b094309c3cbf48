/**
 * Serves the production build (dist/) with `vite preview` on 127.0.0.1 at a free port for the
 * browser tests, with the same COOP/COEP headers as in production (vite.config.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let server: PreviewServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(path.join(repoRoot, 'dist', 'index.html'))) {
    console.log('[e2e] dist/ missing: running `npx vite build`…');
    execFileSync('npx', ['vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const port = await freePort();
  server = await preview({
    root: repoRoot,
    configFile: path.join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  const baseUrl = `http://127.0.0.1:${port}/`;
  project.provide('baseUrl', baseUrl);
  console.log(`[e2e] vite preview serving dist/ at ${baseUrl}`);
}

export async function teardown(): Promise<void> {
  await server?.close();
  server = undefined;
}
