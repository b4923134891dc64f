import { describe, expect, it } from 'vitest';
import { arange, full, tensor, zeros } from '../index.js';

// Flint stores torch.int64 as int32; `'cpu'` is its one device.
describe("dtype aliases and the 'cpu' device", () => {
  it("'int64' / long() are int32 with a range check", () => {
    const x = tensor([1.7, -2.2, 3]);
    expect(x.long().dtype).toBe('int32');
    expect(x.long().tolist()).toEqual([1, -2, 3]);
    expect(x.to('int64').tolist()).toEqual([1, -2, 3]);
    expect(tensor([1, 2], { dtype: 'int64' }).dtype).toBe('int32');
    expect(zeros([2], { dtype: 'int64' }).dtype).toBe('int32');
    expect(arange(3, undefined, 1, { dtype: 'int64' }).dtype).toBe('int32');
    expect(() => tensor([3e9]).long()).toThrow(/value 3000000000 \(element 0\) does not fit in int64 as Flint stores it/);
    expect(() => tensor([NaN]).long()).toThrow(/does not fit in int64/);
    expect(() => full([1], 3e9, { dtype: 'int64' })).toThrow(/cannot be converted to type int32_t without overflow/);
  });
  it('float(), int(), bool()', () => {
    const i = tensor([0, 2], { dtype: 'int32' });
    expect(i.float().dtype).toBe('float32');
    expect(i.bool().tolist()).toEqual([false, true]);
    expect(tensor([1.5]).int().tolist()).toEqual([1]);
    expect(i.int()).toBe(i);
  });
  it("to('cpu'), to('cpu', dtype), to({ device, dtype }), to(other), cpu() and device", () => {
    const x = tensor([1, 2]);
    expect(x.device).toBe('cpu');
    expect(x.to('cpu')).toBe(x);
    expect(x.cpu()).toBe(x);
    expect(x.to('cpu', 'int64').dtype).toBe('int32');
    expect(x.to({ device: 'cpu', dtype: 'bool' }).dtype).toBe('bool');
    expect(x.to(tensor([1], { dtype: 'int32' })).dtype).toBe('int32');
    expect(() => x.to('cuda' as never)).toThrow(/Flint has one device, 'cpu'.*got device 'cuda'/);
    expect(() => x.to('float64' as never)).toThrow(/to: unsupported dtype 'float64'/);
  });
});
