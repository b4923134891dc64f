/**
 * `setNumThreads` / `getNumThreads`: the threaded WASM build gives the single-threaded build's
 * numbers bit for bit, tensors the program holds survive a switch, bad counts are refused, and a
 * script on two threads exits by itself.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { _axpy_ as axpy_, _momentumUpdate_ as momentumUpdate_, conv2d, getBackend, getNumThreads, manualSeed, memory, randn, setNumThreads } from './index.js';
import { busyElsewhere, defaultNumThreads, threadsForLoad } from './threads.js';

const bits = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('threads', () => {
  afterAll(async () => {
    await setNumThreads(1);
  });

  it('the heap kernels (fused updates, transposes) run on the threaded build\'s shared memory, with the same bits', async () => {
    const run = () => {
      manualSeed(2);
      const [p, buf, g] = [randn([37, 29]), randn([37, 29]), randn([37, 29])];
      const x = randn([300, 200]);
      const done = momentumUpdate_(p, buf, g, 0.9, 1, -0.1) && axpy_(p, g, 0.5);
      return { done, bits: [...bits(p), ...bits(buf), ...bits(x.t().contiguous())] };
    };
    await setNumThreads(1);
    const one = run();
    await setNumThreads(2);
    const two = run();
    expect([one.done, two.done]).toEqual([true, true]);
    expect(two.bits).toEqual(one.bits);
    await setNumThreads(1);
  });

  it('two threads give the numbers of one, and held tensors survive the switch', async () => {
    expect(getBackend()).toBe('wasm');
    await setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    const a = randn([300, 200]);
    const b = randn([200, 150]);
    const x = randn([2, 8, 12, 12]);
    const w = randn([16, 8, 3, 3]);
    const view = a.narrow(0, 10, 5);
    const mm1 = bits(a.matmul(b));
    const conv1 = bits(conv2d(x, w, null, { stride: 2, padding: 1 }));
    const sum1 = bits(a.exp().sum(1).softmax(0));
    await setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    expect(bits(a.matmul(b))).toEqual(mm1);
    expect(bits(conv2d(x, w, null, { stride: 2, padding: 1 }))).toEqual(conv1);
    expect(bits(a.exp().sum(1).softmax(0))).toEqual(sum1);
    expect(bits(view)).toEqual(bits(a).slice(10 * 200, 15 * 200));
    view.fill_(0); // a view still writes through to its base after the switch
    expect(bits(a.narrow(0, 10, 1)).every((v) => v === 0)).toBe(true);
    await setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    expect(bits(a.matmul(b)).slice(0, 10 * 150)).toEqual(mm1.slice(0, 10 * 150));
    expect(memory().numTensors).toBeGreaterThan(0);
  });

  it('refuses counts that are not positive integers', () => {
    expect(() => setNumThreads(0)).toThrow('setNumThreads: the number of threads must be a positive integer (got 0)');
    expect(() => setNumThreads(1.5)).toThrow('positive integer');
  });

  it('the default follows FLINT_NUM_THREADS, else the idle cores', async () => {
    const before = process.env.FLINT_NUM_THREADS;
    try {
      process.env.FLINT_NUM_THREADS = '3';
      expect(await defaultNumThreads()).toBe(3);
      process.env.FLINT_NUM_THREADS = 'two';
      await expect(defaultNumThreads()).rejects.toThrow("FLINT_NUM_THREADS must be a positive integer (got 'two')");
      delete process.env.FLINT_NUM_THREADS;
      const n = await defaultNumThreads(20);
      expect(n).toBeGreaterThanOrEqual(1);
    } finally {
      if (before === undefined) delete process.env.FLINT_NUM_THREADS;
      else process.env.FLINT_NUM_THREADS = before;
    }
  });

  it('leaves a core to other processes that keep it busy, not to this process or one that has ended', async () => {
    expect(threadsForLoad(2, 0)).toBe(2);
    expect(threadsForLoad(2, 0.4)).toBe(2);
    expect(threadsForLoad(2, 0.6)).toBe(1);
    expect(threadsForLoad(2, 1)).toBe(1);
    expect(threadsForLoad(2, 3)).toBe(1);
    expect(threadsForLoad(4, 1.2)).toBe(3);
    // This process spinning for the whole sample is not load from elsewhere.
    const sample = busyElsewhere(200);
    const until = performance.now() + 150;
    while (performance.now() < until);
    const busy = await sample;
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThan(1.5);
  });

  it('a script on two threads exits by itself', () => {
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const script = `const T = await import(${JSON.stringify(dist)}); await T.setNumThreads(2); console.log(T.getNumThreads(), T.randn([64, 64]).matmul(T.randn([64, 64])).shape.join('x'));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(out.trim()).toBe('2 64x64');
  });
  // In a browser, setNumThreads(n) before ready() past tfjs's cap of half the cores: apps/web's
  // e2e test (`?threads=2` on a 2-core machine runs 2 threads and trains).
});
