/** The fused in-place optimizer updates on the WASM heap: same bits as the kernel ops, and views alias. */
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { _adamUpdate_ as adamUpdate_, _axpy_ as axpy_, _momentumUpdate_ as momentumUpdate_, _scaleAdd_ as scaleAdd_, manualSeed, randn, setBackend, tensor, Tensor } from '../index.js';

const bits = (t: Tensor) => [...new Uint32Array(new Float32Array(t.contiguous().tolist() as never).buffer)];
const same = (a: Tensor, b: Tensor) => expect(bits(a.flatten())).toEqual(bits(b.flatten()));

describe('momentumUpdate_ and axpy_ (WASM)', () => {
  it.each([
    ['4 096 elements (lanes only)', [64, 64], 0.9, 1],
    ['1 003 elements (a scalar tail)', [17, 59], 0.9, 0.75],
    ['3 elements (the tail only)', [3], 0.5, 1],
  ] as const)('%s: bit-identical to mul, add and add_', (_name, shape, momentum, scale) => {
    manualSeed(4);
    const p = randn([...shape]);
    const buf = randn([...shape]);
    const g = randn([...shape]);
    const lr = 0.013;
    const wantBuf = buf.mul(momentum).add(g, { alpha: scale });
    const wantP = p.add(wantBuf, { alpha: -lr });
    const [v0, b0] = [p._version, buf._version];
    expect(momentumUpdate_(p, buf, g, momentum, scale, -lr)).toBe(true);
    same(buf, wantBuf);
    same(p, wantP);
    expect([p._version, buf._version]).toEqual([v0 + 1, b0 + 1]);
    const q = randn([...shape]);
    const want = q.add(g, { alpha: -lr });
    expect(axpy_(q, g, -lr)).toBe(true);
    same(q, want);
  });

  it.each([
    ['Adam, 1 003 elements (lanes and a tail)', 0],
    ['AdamW, 1 003 elements', 0.1],
  ] as const)('adamUpdate_, %s: bit-identical to the ops of the step', (_name, decay) => {
    manualSeed(9);
    const [p, m, g] = [randn([17, 59]), randn([17, 59]), randn([17, 59])];
    const v = randn([17, 59]).abs();
    const [lr, beta1, beta2, eps, step] = [0.01, 0.9, 0.999, 1e-8, 3];
    const wantM = m.mul(beta1).add(g, { alpha: 1 - beta1 });
    const wantV = v.mul(beta2).add(g.mul(1 - beta2).mul(g));
    const denom = wantV.sqrt().div(Math.sqrt(1 - beta2 ** step)).add(eps);
    const base = decay !== 0 ? p.mul(1 - lr * decay) : p;
    const wantP = base.add(wantM.div(denom).mul(-(lr / (1 - beta1 ** step))));
    expect(adamUpdate_(p, m, v, g, { lr, beta1, beta2, eps, step, decoupledDecay: decay })).toBe(true);
    same(m, wantM);
    same(v, wantV);
    same(p, wantP);
  });

  it.each([
    ['64 elements (lanes only)', [64]],
    ['3 elements (the tail only)', [3]],
    ['1 003 elements', [17, 59]],
  ] as const)("scaleAdd_, %s: bit-identical to batch norm's running-statistics ops", (_name, shape) => {
    manualSeed(6);
    const [running, batch] = [randn([...shape]), randn([...shape])];
    const [keep, b] = [1 - 0.1, (0.1 * 512) / 511];
    const want = running.mul(keep).add(batch.mul(b));
    const v0 = running._version;
    expect(scaleAdd_(running, batch, keep, b)).toBe(true);
    same(running, want);
    expect(running._version).toBe(v0 + 1);
  });

  it('writes through to views of the updated tensor, and leaves values computed before alone', () => {
    const p = tensor([[1, 2], [3, 4]]);
    const row = p.select(0, 1);
    const flat = p.view([4]);
    const before = p.mul(1);
    expect(axpy_(p, tensor([[1, 1], [1, 1]]), 10)).toBe(true);
    expect(row.tolist()).toEqual([13, 14]);
    expect(flat.tolist()).toEqual([11, 12, 13, 14]);
    expect(before.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  it('reads a strided gradient through its values', () => {
    const p = tensor([[0, 0], [0, 0]]);
    expect(axpy_(p, tensor([[1, 2], [3, 4]]).t(), 1)).toBe(true);
    expect(p.tolist()).toEqual([[1, 3], [2, 4]]);
  });

  it('declines (changing nothing) for part of a storage, a buffer tfjs shares, mixed shapes or dtypes, and aliased operands', () => {
    const base = tensor([1, 2, 3, 4]);
    const one = tensor([1, 1]);
    expect(axpy_(base.narrow(0, 0, 2), one, 1)).toBe(false);
    // A tfjs reshape shares the buffer: writing it would change the reshape too.
    const shared = new Tensor(tf.reshape(base._data, [2, 2]));
    expect(axpy_(base, tensor([1, 1, 1, 1]), 1)).toBe(false);
    expect(shared.tolist()).toEqual([[1, 2], [3, 4]]);
    shared.dispose();
    expect(axpy_(base, tensor([1, 1]), 1)).toBe(false);
    expect(axpy_(base, tensor([1, 1, 1, 1], { dtype: 'int32' }), 1)).toBe(false);
    expect(momentumUpdate_(base, base.view([4]), tensor([1, 1, 1, 1]), 0.9, 1, -1)).toBe(false);
    expect(base.tolist()).toEqual([1, 2, 3, 4]);
    expect(base._version).toBe(0);
    // Once the reshape is gone, the buffer is the storage's own again.
    expect(axpy_(base, tensor([1, 1, 1, 1]), 1)).toBe(true);
    expect(base.tolist()).toEqual([2, 3, 4, 5]);
  });

  it('checks the in-place rules first (a leaf that requires grad, outside noGrad)', () => {
    const p = randn([4], { requiresGrad: true });
    expect(() => axpy_(p, randn([4]), 1)).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
  });
});

describe('momentumUpdate_ and axpy_ off WASM', () => {
  afterEach(async () => {
    await setBackend('wasm');
  });
  it('decline on the cpu backend', async () => {
    await setBackend('cpu');
    expect(axpy_(tensor([1, 2]), tensor([1, 1]), 1)).toBe(false);
    expect(momentumUpdate_(tensor([1, 2]), tensor([0, 0]), tensor([1, 1]), 0.9, 1, -1)).toBe(false);
  });
});
