import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * COOP + COEP make the page cross-origin isolated (self.crossOriginIsolated === true), which the
 * WASM backend needs for SharedArrayBuffer and therefore for its threaded build.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The production Content-Security-Policy: scripts only from our own origin and no eval;
 * 'wasm-unsafe-eval' lets the WASM backend compile its .wasm (it allows WebAssembly, not JS eval);
 * blob: workers (and their importScripts of blob: code) are the WASM backend's pthreads; inline styles are React's style attributes
 * (charts, heatmap); data:/blob: images are the PNG export and the inline favicon. connect-src
 * 'self' keeps every fetch (the .wasm files included) on our own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' blob: 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Injects the CSP as a <meta http-equiv> into the built index.html (build only: the dev server
 * injects inline scripts for hot reload). The preview server also sends it as a header.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'mtl-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  // The training worker imports split chunks (tfjs, engine): only ES-module workers support that.
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: {
    headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
  build: {
    // Minification breaks the WASM backend's pthread workers (they are spawned from a blob: URL
    // built from the bundled function's source and die with "e is not defined"); measured in
    // TFJS_NOTES and checked by the e2e test against this production build.
    minify: false,
    // tfjs is large by nature; the default 500 kB warning would only add noise.
    chunkSizeWarningLimit: 6000,
  },
});
