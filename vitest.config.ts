import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests run on the TypeScript sources; `tsc -b` checks the build separately.
export default defineConfig({
  resolve: {
    alias: {
      '@flint/tensor': pkg('tensor'),
      '@flint/autograd': pkg('autograd'),
      '@flint/nn': pkg('nn'),
      '@flint/vision': pkg('vision'),
      '@flint/optim': pkg('optim'),
      '@flint/data': pkg('data'),
      '@flint/onnx': pkg('onnx'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One thread per test process: the forks already use every core (threads.test.ts tests more).
    env: { FLINT_NUM_THREADS: '1' },
  },
});
