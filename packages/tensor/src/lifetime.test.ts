/**
 * Lifetime rules (lifetime.ts, docs/memory.md): dispose, `using`, scope, keep, tick, and the
 * released-tensor error. The tick state is global to this file (vitest runs each file in its own
 * process), so the tests before `describe('tick')` run before the first step, as a script does.
 */
import { describe, expect, it } from 'vitest';
import { keep, memory, ones, randn, scope, tensor, tick, zeros, type Tensor } from './index.js';
import { RETAIN_TICKS } from './lifetime.js';

const live = (): number => memory().numTensors;

describe('dispose and using', () => {
  it('dispose() frees the backend memory at once; a second dispose is harmless', () => {
    const before = memory();
    const t = zeros([8, 8]);
    expect(live()).toBe(before.numTensors + 1);
    t.dispose();
    expect(memory()).toEqual(before);
    expect(t.isReleased).toBe(true);
    t.dispose();
    expect(memory()).toEqual(before);
  });

  it('a disposed tensor used again is a clear error naming dispose() and .keep()', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => t.add(1)).toThrow('Tensor of shape [2] was released: dispose() was called on it');
    expect(() => t.tolist()).toThrow('.keep()');
    expect(() => t.dataSync()).toThrow('was released');
    // Shape stays readable, for messages.
    expect(t.shape).toEqual([2]);
  });

  it('`using` releases at the end of the block (TS 5.2 explicit resource management)', () => {
    const before = live();
    let escaped: Tensor;
    {
      using t = ones([3]);
      escaped = t;
      expect(t.sum().item()).toBe(3);
    }
    // The sum above is a temporary of its own: dispose it to compare counts.
    expect(escaped.isReleased).toBe(true);
    expect(live()).toBeLessThanOrEqual(before + 1);
  });

  it('[Symbol.dispose]() is dispose()', () => {
    const before = live();
    const t = zeros([2]);
    t[Symbol.dispose]();
    expect(t.isReleased).toBe(true);
    expect(live()).toBe(before);
  });
});

describe('scope', () => {
  it('releases what was created inside, except the returned tensor', () => {
    const x = randn([4, 4]);
    const before = live();
    const y = scope(() => {
      const a = x.mul(2);
      const b = a.add(1).relu();
      return b.sum(1);
    });
    expect(y.shape).toEqual([4]);
    expect(y.isReleased).toBe(false);
    expect(live()).toBe(before + 1);
    expect(x.isReleased).toBe(false);
  });

  it('keeps tensors in returned arrays, plain objects and Maps', () => {
    const before = live();
    const r = scope(() => {
      const a = ones([2]);
      const b = a.add(1);
      const c = b.mul(3);
      a.mul(10); // dropped
      return { pair: [a, b], m: new Map([['c', c]]), n: 5 };
    });
    expect(live()).toBe(before + 3);
    expect(r.pair[1]!.tolist()).toEqual([2, 2]);
    expect(r.m.get('c')!.tolist()).toEqual([6, 6]);
    expect(r.n).toBe(5);
  });

  it('nested scopes hand their result to the outer one, which releases it if not returned', () => {
    const before = live();
    let inner: Tensor | undefined;
    const out = scope(() => {
      inner = scope(() => ones([2]).add(1));
      expect(inner.isReleased).toBe(false);
      return inner.mul(2);
    });
    expect(inner!.isReleased).toBe(true);
    expect(out.tolist()).toEqual([4, 4]);
    expect(live()).toBe(before + 1);
  });

  it('tensors kept inside survive the scope', () => {
    const before = live();
    let kept: Tensor | undefined;
    scope(() => {
      kept = keep(ones([3]).mul(2));
      ones([5]);
    });
    expect(kept!.isReleased).toBe(false);
    expect(live()).toBe(before + 1);
    kept!.dispose();
    expect(live()).toBe(before);
  });

  it('releases everything on throw, and rethrows', () => {
    const before = live();
    expect(() =>
      scope(() => {
        ones([2]).add(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(live()).toBe(before);
  });

  it('rejects an async function', () => {
    expect(() => scope(() => Promise.resolve(1) as never)).toThrow('scope: fn must be synchronous');
  });

  it('memory is flat across many scoped iterations', () => {
    const w = randn([8, 8]);
    const before = memory();
    for (let i = 0; i < 50; i++) {
      scope(() => {
        const h = randn([4, 8]).matmul(w).relu();
        return h.softmax(-1).log().mean().item();
      });
    }
    expect(memory()).toEqual(before);
  });
});

describe('tick (step temporaries)', () => {
  it(`releases a temporary unused for ${RETAIN_TICKS} ticks, keeps kept ones`, () => {
    const early = ones([2]); // created before the first tick: lives until dispose()
    tick(); // the first step boundary: from now on new tensors are temporaries
    const kept = ones([2]).keep();
    const temp = ones([2]);
    for (let i = 0; i < RETAIN_TICKS; i++) {
      tick();
      expect(temp.isReleased, `after ${i + 1} tick(s)`).toBe(false);
    }
    tick();
    expect(temp.isReleased).toBe(true);
    expect(kept.isReleased).toBe(false);
    expect(early.isReleased).toBe(false);
    for (let i = 0; i < 5; i++) tick();
    expect(kept.isReleased).toBe(false);
    expect(early.isReleased).toBe(false);
    kept.dispose();
    early.dispose();
  });

  it('each use as an op input refreshes a temporary', () => {
    const t = ones([2]);
    for (let i = 0; i < 6; i++) {
      tick();
      t.add(1); // a use
    }
    expect(t.isReleased).toBe(false);
    for (let i = 0; i <= RETAIN_TICKS; i++) tick();
    expect(t.isReleased).toBe(true);
  });

  it('a temporary released by tick() and used again names .keep() in the error', () => {
    const t = zeros([3, 2]);
    for (let i = 0; i <= RETAIN_TICKS; i++) tick();
    expect(() => t.mul(2)).toThrow(
      /Tensor of shape \[3, 2\] was released: it was a step temporary released automatically .* call \.keep\(\) on it/,
    );
  });

  it('keep() returns the tensor and takes it out of the rules', () => {
    const t = ones([2]);
    expect(keep(t)).toBe(t);
    for (let i = 0; i < 10; i++) tick();
    expect(t.tolist()).toEqual([1, 1]);
    t.dispose();
  });

  it('a loop of ops with a tick per step stays flat (no dispose calls)', () => {
    const w = randn([16, 16]).keep();
    const step = (): void => {
      const x = randn([8, 16]);
      const y = x.matmul(w).relu().softmax(1);
      y.sum().item();
      tick();
    };
    for (let i = 0; i < 5; i++) step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    expect(memory()).toEqual(before);
    w.dispose();
  });

  it('scope still works once ticking has started', () => {
    const before = live();
    const r = scope(() => ones([2]).add(1).mul(2));
    expect(live()).toBe(before + 1);
    expect(r.tolist()).toEqual([4, 4]);
  });
});
