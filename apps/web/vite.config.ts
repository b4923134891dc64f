import { defineConfig } from 'vite';

// Flint's packages use top-level await (the backend starts at import), hence target esnext.
export default defineConfig({
  build: { target: 'esnext', minify: false, chunkSizeWarningLimit: 4096 },
  preview: { host: '127.0.0.1' },
});
