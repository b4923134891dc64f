/**
 * Values checked as PyTorch checks them: int32 range and NaN on the way in, non-numeric scalars,
 * and index tensors of the wrong dtype. Each is a clear error that creates nothing.
 */
import { describe, expect, it } from 'vitest';
import { arange, full, memory, randint, tensor, zeros } from './index.js';

describe('bad input to tensor ops', () => {
  it('values outside int32, NaN and infinity are refused for int32 tensors', () => {
    const before = memory().numTensors;
    expect(() => tensor([3e9], { dtype: 'int32' })).toThrow('tensor: value 3000000000 cannot be converted to type int32_t without overflow (element 0)');
    expect(() => tensor([1, NaN], { dtype: 'int32' })).toThrow('tensor: cannot convert float NaN to integer (element 1, dtype int32)');
    expect(() => tensor(new Float32Array([Infinity]), { dtype: 'int32' })).toThrow('cannot convert float Infinity to integer');
    expect(() => full([2], 2 ** 31, { dtype: 'int32' })).toThrow('full: value 2147483648 cannot be converted to type int32_t without overflow');
    expect(() => randint(0, 2 ** 40, [3])).toThrow('randint: low=0 and high=1099511627776 must be integers within int32');
    expect(memory().numTensors).toBe(before);
    // In range: fine, fractions truncate toward zero as in PyTorch.
    expect(tensor([2147483647, -2147483648, 1.7, -1.7], { dtype: 'int32' }).tolist()).toEqual([2147483647, -2147483648, 1, -1]);
  });

  it('a non-numeric scalar operand names the op and what it got', () => {
    const x = zeros([2]);
    const before = memory().numTensors;
    expect(() => x.add('x' as never)).toThrow("add(): argument 'other' must be a Tensor, a number or a boolean, not string ('x')");
    expect(() => x.mul(undefined as never)).toThrow("mul(): argument 'other' must be a Tensor, a number or a boolean, not undefined");
    expect(() => x.sub(null as never)).toThrow('not null');
    expect(() => full([2], 'a' as never)).toThrow('full: fill_value must be a number or a boolean (got string)');
    expect(memory().numTensors).toBe(before);
  });

  it('a float index says to create it as int32', () => {
    const x = arange(6).float().reshape(2, 3);
    expect(() => x.gather(1, tensor([[0, 1]]))).toThrow("Expected dtype int32 for index (got torch.float32); create the index with { dtype: 'int32' }");
    expect(() => x.indexSelect(0, tensor([0]))).toThrow("create the index with { dtype: 'int32' }");
  });
});
