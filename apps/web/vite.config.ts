import { defineConfig } from 'vite';

// Flint's packages use top-level await (the backend starts at import), hence target esnext.
// Two pages: index.html (MNIST) and names.html (the names GPT).
export default defineConfig({
  build: {
    target: 'esnext',
    minify: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input: { main: new URL('index.html', import.meta.url).pathname, names: new URL('names.html', import.meta.url).pathname } },
  },
  preview: { host: '127.0.0.1' },
});
