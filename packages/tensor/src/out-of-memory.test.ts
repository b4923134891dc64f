/**
 * Running out of WASM memory is a clear error naming the op and the bytes asked for, and the
 * backend keeps working (tfjs-wasm would otherwise write over address 0 and abort).
 */
import { describe, expect, it } from 'vitest';
import { memory, ones, tensor, zeros, type Tensor } from './index.js';

describe('out of memory', () => {
  it('ones([6e8]) twice: the second is refused, later ops work', () => {
    const a = ones([6e8]);
    expect(() => ones([6e8])).toThrow(/ones: out of memory: the WASM backend cannot allocate 2,400,000,000 bytes/);
    a.dispose();
    expect(tensor([1, 2]).add(1).tolist()).toEqual([2, 3]);
  });

  it('zeros([3e8]) four times: refused when the heap is full, nothing half-made', () => {
    const held: Tensor[] = [];
    let error: Error | null = null;
    try {
      for (let i = 0; i < 4; i++) held.push(zeros([3e8]));
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/zeros: out of memory: the WASM backend cannot allocate 1,200,000,000 bytes/);
    for (const t of held) t.dispose();
    expect(ones([3]).sum().item()).toBe(3);
  });

  it('a matmul whose output does not fit, and a shape past 4 GiB', () => {
    const before = memory().numTensors;
    const a = ones([40000, 1]);
    const b = ones([1, 40000]);
    expect(() => a.matmul(b)).toThrow(/matmul: out of memory: the WASM backend cannot allocate 6,400,000,000 bytes/);
    expect(() => zeros([1e6, 1e6])).toThrow(/zeros: out of memory: the WASM backend cannot allocate 4,000,000,000,000 bytes/);
    a.dispose();
    b.dispose();
    expect(memory().numTensors).toBe(before);
    expect(tensor([[1, 2]]).matmul(tensor([[3], [4]])).item()).toBe(11);
  });
});
