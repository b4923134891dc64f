/** `F.pad`. */
import { pad as padOp, type PadMode, type Tensor } from '@flint/tensor';
import { bindArgs, describeValue, numberArg } from '../args.js';
import { checkTensor } from './activation.js';

export type { PadMode };

export interface PadOptions {
  /** `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: PadMode;
  /** The fill of `'constant'` padding (default 0). */
  value?: number | null;
}

const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * `F.pad(input, pad, mode='constant', value=None)`: `pad` lists (before, after) amounts from the
 * last dim backwards (`[left, right]`, `[left, right, top, bottom]`, …). `'constant'` fills with
 * `value` and crops where an amount is negative; `'reflect'` mirrors without repeating the edge,
 * `'replicate'` repeats it, `'circular'` wraps around. As PyTorch, the other modes pad the last
 * 1, 2 or 3 dims of a (batched or unbatched) input ([N, C, W] / [C, W], …; `'circular'` batched
 * only). All modes are differentiable. `F.pad(x, [1, 1], 'reflect')` is
 * `F.pad(x, [1, 1], { mode: 'reflect' })`. https://pytorch.org/docs/1.13/generated/torch.nn.functional.pad.html
 */
export function pad(input: Tensor, pad: readonly number[], options?: PadOptions): Tensor;
export function pad(input: Tensor, pad: readonly number[], mode?: PadMode, value?: number | null | Pick<PadOptions, 'value'>): Tensor;
export function pad(input: Tensor, pads: readonly number[], ...args: unknown[]): Tensor {
  const op = 'pad';
  checkTensor(op, input);
  if (!Array.isArray(pads) || !pads.every((p) => Number.isInteger(p))) throw new TypeError(`${op}: pad must be an array of integers (got ${Array.isArray(pads) ? JSON.stringify(pads) : describeValue(pads)})`);
  const a = bindArgs(op, args, ['mode', 'value']);
  const mode = (a.mode ?? 'constant') as PadMode;
  if (!MODES.includes(mode)) throw new Error(`${op}: Unrecognised padding mode ${typeof mode === 'string' ? mode : describeValue(mode)}`);
  const value = a.value === null ? undefined : numberArg(op, 'value', a.value, 0);
  if (pads.length % 2 !== 0) throw new RangeError(`${op}: Padding length must be divisible by 2`);
  if (pads.length / 2 > input.ndim) {
    throw new RangeError(`${op}: Padding length should be less than or equal to two times the input dimension but got padding length ${pads.length} and input of dimension ${input.ndim}`);
  }
  if (mode === 'constant') return padOp(input, pads, { value: value ?? 0 });
  if (value !== undefined && value !== 0) throw new Error(`${op}: Padding mode "${mode}" doesn't take in value argument`);
  const k = pads.length / 2;
  if (!(k >= 1 && k <= 3 && (input.ndim === k + 1 || input.ndim === k + 2))) {
    throw new Error(`${op}: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (got padding length ${pads.length} for input of dimension ${input.ndim})`);
  }
  if (mode !== 'circular') return padOp(input, pads, { mode });
  if (pads.length !== 2 * (input.ndim - 2)) throw new RangeError(`${op}: Invalid padding size, expected ${2 * (input.ndim - 2)} but got ${pads.length}`);
  // Negative amounts crop first; the rest wraps around what is left.
  let x = input;
  for (let i = 0; i < k; i++) {
    const d = input.ndim - 1 - i;
    const before = Math.max(-pads[2 * i]!, 0);
    const after = Math.max(-pads[2 * i + 1]!, 0);
    if (before + after === 0) continue;
    const size = x.shape[d]! - before - after;
    if (size <= 0) throw new RangeError(`${op}: Negative padding value is resulting in an empty dimension (dim ${d} of input of size ${input.shape[d]})`);
    x = x.narrow(d, before, size);
  }
  return padOp(x, pads.map((p) => Math.max(p, 0)), { mode });
}
