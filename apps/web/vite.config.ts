import { defineConfig } from 'vite';

// Flint's packages use top-level await (the backend starts at import), hence target esnext.
// Two pages: index.html (MNIST) and names.html (the names GPT).
// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, so tfjs loads its threaded
// WASM build; the page shows the thread count it got.
const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { headers: isolated },
  build: {
    target: 'esnext',
    minify: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input: { main: new URL('index.html', import.meta.url).pathname, names: new URL('names.html', import.meta.url).pathname } },
  },
  preview: { host: '127.0.0.1', headers: isolated },
});
