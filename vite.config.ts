import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * COOP + COEP make the page cross-origin isolated (self.crossOriginIsolated === true), which the
 * WASM backend needs for SharedArrayBuffer and therefore for its threaded build.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  // The training worker imports split chunks (tfjs, engine): only ES-module workers support that.
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    // Minification breaks the WASM backend's pthread workers (they are spawned from a blob: URL
    // built from the bundled function's source and die with "e is not defined"); measured in
    // TFJS_NOTES and checked by the e2e test against this production build.
    minify: false,
    // tfjs is large by nature; the default 500 kB warning would only add noise.
    chunkSizeWarningLimit: 6000,
  },
});
