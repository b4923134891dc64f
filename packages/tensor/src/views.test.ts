/**
 * Views alias their base, as in PyTorch: every view op, in-place writes through the view and
 * through the base, strides and contiguity, and the overlap error for expanded views. The
 * expected values are what the same PyTorch program prints.
 */
import { describe, expect, it } from 'vitest';
import { arange, memory, ones, tensor, zeros, type Tensor } from './index.js';

const base = (): Tensor => arange(12).float().reshape(3, 4);

/** Each view op, applied to a fresh [3, 4] base: `[name, view, storage index of view element 0]`. */
const VIEWS: [string, (b: Tensor) => Tensor][] = [
  ['view', (b) => b.view(4, 3)],
  ['reshape', (b) => b.reshape(2, 6)],
  ['flatten', (b) => b.flatten()],
  ['unflatten', (b) => b.unflatten(1, [2, 2])],
  ['squeeze', (b) => b.unsqueeze(0).squeeze(0)],
  ['unsqueeze', (b) => b.unsqueeze(1)],
  ['detach', (b) => b.detach()],
  ['narrow', (b) => b.narrow(1, 1, 2)],
  ['select', (b) => b.select(0, 1)],
  ['index basic', (b) => b.index('1:', '::2')],
  ['index int', (b) => b.index(-1)],
  ['transpose', (b) => b.transpose(0, 1)],
  ['permute', (b) => b.permute(1, 0)],
  ['t', (b) => b.t()],
  ['mT', (b) => b.mT],
  ['split piece', (b) => b.split(2, 1)[1]!],
  ['chunk piece', (b) => b.chunk(3, 0)[2]!],
  ['unbind piece', (b) => b.unbind(1)[3]!],
];

describe('views share storage with their base', () => {
  it.each(VIEWS)('%s: writing through the view changes the base, and back', (_name, make) => {
    const b = base();
    const v = make(b);
    expect(v.isSharedWith(b)).toBe(true);
    const picked = v.tolist();
    v.add_(100);
    // Every element the view sees went up by 100 in the base; the others did not.
    const after = b.dataSync();
    const positions = new Set<number>();
    const mark = arange(12).float().reshape(3, 4);
    const markedView = make(mark);
    for (const p of markedView.dataSync()) positions.add(p);
    for (let i = 0; i < 12; i++) expect(after[i]).toBe(positions.has(i) ? i + 100 : i);
    // The view reads the base's new data, and a write to the base is seen by the view.
    expect(v.sub(100).tolist()).toEqual(picked);
    b.zero_();
    expect(v.dataSync().every((x) => x === 0)).toBe(true);
  });

  it('expand is a view with stride 0; writing into it is refused, as PyTorch', () => {
    const b = tensor([1, 2, 3]);
    const e = b.unsqueeze(0).expand(2, 3);
    expect(e.stride()).toEqual([0, 1]);
    expect(e.isSharedWith(b)).toBe(true);
    b.mul_(2);
    expect(e.tolist()).toEqual([
      [2, 4, 6],
      [2, 4, 6],
    ]);
    expect(() => e.fill_(0)).toThrow('more than one element of the written-to tensor refers to a single memory location');
    expect(b.tolist()).toEqual([2, 4, 6]);
  });

  it('strides, storage offset and contiguity follow PyTorch', () => {
    const b = base();
    expect(b.stride()).toEqual([4, 1]);
    expect(b.t().stride()).toEqual([1, 4]);
    expect(b.t().isContiguous()).toBe(false);
    expect(b.narrow(0, 1, 2).storageOffset()).toBe(4);
    expect(b.narrow(1, 1, 2).isContiguous()).toBe(false);
    expect(b.index(':', '::2').stride()).toEqual([4, 2]);
    const c = b.t().contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(c.isSharedWith(b)).toBe(false);
    expect(b.contiguous()).toBe(b);
  });

  it('view refuses what the strides do not allow; reshape copies then', () => {
    const t = base().t();
    expect(() => t.view(12)).toThrow("view size is not compatible with input tensor's size and stride");
    const r = t.reshape(12);
    expect(r.isSharedWith(t)).toBe(false);
    expect(r.tolist()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    // A view of a view that stays within contiguous runs is still a view.
    const n = base().narrow(0, 1, 2);
    expect(n.view(8).isSharedWith(n)).toBe(true);
  });

  it('views of views: transposed, unsqueezed, narrowed and stepped compose as in PyTorch', () => {
    const b = base();
    const v = b.t().unsqueeze(1).squeeze(1);
    expect(v.stride()).toEqual([1, 4]);
    expect(v.tolist()).toEqual(b.t().tolist());
    const w = b.index('::2', '1::2').t();
    expect(w.stride()).toEqual([2, 8]);
    expect(w.storageOffset()).toBe(1);
    expect(w.tolist()).toEqual([
      [1, 9],
      [3, 11],
    ]);
    w.fill_(-1);
    expect(b.tolist()).toEqual([
      [0, -1, 2, -1],
      [4, 5, 6, 7],
      [8, -1, 10, -1],
    ]);
    expect(b.index(0).index(1).tolist()).toBe(-1);
    expect(b.select(1, 3).unsqueeze(0).expand(2, 3).tolist()).toEqual([
      [-1, 7, -1],
      [-1, 7, -1],
    ]);
  });

  it('buf.narrow(0, 1, 2).fill_(1) changes buf', () => {
    const buf = zeros([4]);
    buf.narrow(0, 1, 2).fill_(1);
    expect(buf.tolist()).toEqual([0, 1, 1, 0]);
  });

  it('copy_ and fill_ through a transposed view', () => {
    const b = zeros([2, 3]);
    b.t().copy_(tensor([[1, 2], [3, 4], [5, 6]]));
    expect(b.tolist()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    b.select(1, 0).fill_(9);
    expect(b.tolist()).toEqual([
      [9, 3, 5],
      [9, 4, 6],
    ]);
  });

  it('clamp_, mul_, div_, maskedFill_ on views', () => {
    const b = arange(6).float();
    b.narrow(0, 0, 3).clamp_(1, 2);
    b.index('3:').mul_(2);
    b.index('::5').div_(2);
    expect(b.tolist()).toEqual([0.5, 1, 2, 6, 8, 5]);
    b.narrow(0, 2, 2).maskedFill_(tensor([true, false]), -1);
    expect(b.tolist()).toEqual([0.5, 1, -1, 6, 8, 5]);
  });

  it('setIndex and indexPut_: basic, advanced and boolean indices, with accumulate', () => {
    const x = zeros([3, 4]);
    x.setIndex([1, '1:3'], 5);
    x.setIndex([':', -1], tensor([1, 2, 3]));
    x.setIndex([x.gt(4)], 7);
    expect(x.tolist()).toEqual([
      [0, 0, 0, 1],
      [0, 7, 7, 2],
      [0, 0, 0, 3],
    ]);
    const y = zeros([5]);
    y.indexPut_([tensor([0, 2, 2], { dtype: 'int32' })], tensor([1, 2, 3]), { accumulate: true });
    expect(y.tolist()).toEqual([1, 0, 5, 0, 0]);
    // Writing through a view of y with advanced indices lands in y.
    y.narrow(0, 3, 2).setIndex([[0, 1]], 4);
    expect(y.tolist()).toEqual([1, 0, 5, 4, 4]);
    expect(() => y.setIndex([[0, 1]], tensor([1, 2, 3]))).toThrow('cannot be broadcast to indexing result of shape [2]');
    expect(y.tolist()).toEqual([1, 0, 5, 4, 4]);
  });

  it('an in-place op refuses a value that requires grad instead of dropping its gradient', () => {
    const x = zeros([3]);
    const y = ones([3], { requiresGrad: true });
    expect(() => x.add_(y)).toThrow("add_: the value written in place requires grad, and Flint's autograd does not record in-place ops");
    expect(() => x.setIndex([':'], y)).toThrow('setIndex: the value written in place requires grad');
    expect(x.tolist()).toEqual([0, 0, 0]);
    x.add_(y.detach());
    expect(x.tolist()).toEqual([1, 1, 1]);
  });

  it('one version counter per storage: a write through any view bumps it for all', () => {
    const b = base();
    const v = b.select(0, 0);
    const w = b.t();
    const start = b._version;
    v.add_(1);
    expect(b._version).toBe(start + 1);
    expect(w._version).toBe(start + 1);
    w.zero_();
    expect(v._version).toBe(start + 2);
  });

  it('views cost no memory until read, and their materialised data goes with them', () => {
    const b = ones([64, 64]);
    const before = memory();
    const views = [b.t(), b.narrow(1, 3, 10), b.index('::2')];
    expect(memory()).toEqual(before);
    for (const v of views) v.sum().dispose();
    for (const v of views) v.dispose();
    expect(memory()).toEqual(before);
  });
});
