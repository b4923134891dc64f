/**
 * Lifetime rules (lifetime.ts, docs/memory.md): dispose, `using`, scope, keep, tick, and the
 * disposed-tensor error.
 */
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../tests/collect-garbage.js';
import { keep, memory, ones, randn, scope, tensor, tick, zeros, type Tensor } from './index.js';
import { RETAIN_SWEEPS } from './storage.js';

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

  it('a disposed tensor used again is a clear error naming the op and dispose()', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => t.add(1)).toThrow('add: Tensor of shape [2] was disposed (dispose() was called on it');
    expect(() => t.tolist()).toThrow('used by tolist');
    expect(() => t.dataSync()).toThrow('was disposed');
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

  it('a tensor that leaves a (nested) scope and is then dropped is freed by the garbage collector', async () => {
    await collectGarbage();
    const before = memory().numBytes;
    (() => {
      const out = scope(() => scope(() => randn([256, 256]).add(1)));
      const kept = scope(() => keep(randn([256, 256]).mul(2)));
      expect(out.shape).toEqual([256, 256]);
      expect(kept.shape).toEqual([256, 256]);
    })();
    expect(memory().numBytes).toBeGreaterThanOrEqual(before + 2 * 256 * 256 * 4);
    await collectGarbage();
    expect(memory().numBytes).toBe(before);
  });
});

describe('tick (step boundaries move memory, never tensors)', () => {
  it(`a tensor unused for ${RETAIN_SWEEPS} sweeps leaves WASM memory and comes back intact on use`, () => {
    const t = randn([64, 64]);
    const values = t.tolist();
    const before = memory().numBytes;
    for (let i = 0; i <= RETAIN_SWEEPS; i++) tick();
    expect(t._storage.isResident).toBe(false);
    expect(memory().numBytes).toBeLessThanOrEqual(before - 64 * 64 * 4);
    expect(t.tolist()).toEqual(values);
    expect(t._storage.isResident).toBe(true);
  });

  it('each use refreshes a storage: one used every step stays resident', () => {
    const t = ones([4]);
    for (let i = 0; i < 10; i++) {
      t.sum().item();
      tick();
    }
    expect(t._storage.isResident).toBe(true);
  });

  it('a tensor made in one step and used many steps later is valid (no keep() needed)', () => {
    tick();
    const kept = tensor([1, 2, 3]);
    for (let i = 0; i < 20; i++) tick();
    expect(kept.add(1).tolist()).toEqual([2, 3, 4]);
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

describe('debug: where a disposed tensor was created', () => {
  it('setDebug(true) records the creation site for the error message', async () => {
    const { setDebug } = await import('./index.js');
    setDebug(true);
    try {
      const t = tensor([1, 2, 3]);
      t.dispose();
      expect(() => t.mul(2)).toThrow(/mul: Tensor of shape \[3\] was disposed[\s\S]*It was created at:[\s\S]*lifetime\.test\.ts/);
    } finally {
      setDebug(false);
    }
    const u = tensor([1]);
    u.dispose();
    expect(() => u.exp()).toThrow('Set FLINT_DEBUG=1 or call setDebug(true) to see where it was created');
  });
});
