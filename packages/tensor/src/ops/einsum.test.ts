import { describe, expect, it } from 'vitest';
import { arange, manualSeed, memory, randn, tensor, type Tensor } from '../index.js';
import { einsum } from './einsum.js';

manualSeed(7);
const close = (a: Tensor, b: Tensor): void => {
  expect([...a.shape]).toEqual([...b.shape]);
  const av = a.dataSync();
  const bv = b.dataSync();
  bv.forEach((v, i) => expect(av[i]).toBeCloseTo(v, 4));
};

describe('einsum', () => {
  const a = randn([2, 3]);
  const b = randn([3, 4]);
  const x = randn([2, 3, 4]);
  const y = randn([2, 4, 5]);
  it('matrix products, batched and attention-shaped', () => {
    close(einsum('ij,jk->ik', a, b), a.mm(b));
    close(einsum('bij,bjk->bik', x, y), x.bmm(y));
    const q = randn([2, 2, 3, 4]);
    const k = randn([2, 2, 5, 4]);
    close(einsum('bhqd,bhkd->bhqk', q, k), q.matmul(k.transpose(-2, -1)));
    close(einsum('ij,jk', [a, b]), a.mm(b));
  });
  it('diagonals, traces, sums, transposes and outer products', () => {
    const m = arange(9).float().reshape(3, 3);
    expect(einsum('ii->i', m).tolist()).toEqual([0, 4, 8]);
    expect(einsum('ii', m).item()).toBe(12);
    expect(einsum('ij->', m).item()).toBe(36);
    expect(einsum('ij->j', m).tolist()).toEqual([9, 12, 15]);
    close(einsum('ij->ji', a), a.t());
    close(einsum('ji', a), a.t());
    const u = tensor([1, 2]);
    const v = tensor([3, 4, 5]);
    expect(einsum('i,j->ij', u, v).tolist()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(einsum('i,i->', u, u).item()).toBe(5);
  });
  it('three operands, and ellipsis with broadcasting', () => {
    const c = randn([4, 2]);
    close(einsum('ij,jk,kl->il', a, b, c), a.mm(b).mm(c));
    close(einsum('...ij,...jk->...ik', x, y), x.bmm(y));
    close(einsum('...ij,jk', x, c), einsum('bij,jk->bik', x, c));
    close(einsum('...ij,jk->...ik', x, c), x.matmul(c));
    const w = randn([1, 3, 4]);
    close(einsum('bij,bjk->bik', w, y), w.expand(2, 3, 4).bmm(y));
  });
  it('names what is wrong', () => {
    expect(() => einsum('ij,jk->ik', a)).toThrow(/einsum\(\): more operands were provided than specified|fewer operands/);
    expect(() => einsum('ijk->i', a)).toThrow(/number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0/);
    expect(() => einsum('ij,jk->ik', a, a)).toThrow(/subscript j has sizes 3 and 2/);
    expect(() => einsum('ij->k', a)).toThrow(/output subscript k does not appear/);
  });
  it('leaks nothing', () => {
    const m = arange(9).float().reshape(3, 3);
    einsum('bij,bjk->bik', x, y).dispose();
    const before = memory().numTensors;
    einsum('bij,bjk->bik', x, y).dispose();
    einsum('ii->i', m).dispose();
    einsum('ij,jk,kl->il', a, b, randn([4, 2]).keep()).dispose();
    expect(memory().numTensors).toBe(before + 1);
  });
});
