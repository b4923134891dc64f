/**
 * Image transforms, as `torchvision.transforms`: plain functions `Tensor → Tensor`.
 *
 * They act on the trailing image dims and broadcast over any leading ones, so the same transform
 * turns one image `[H, W]` into `[1, H, W]` and a batch `[N, H, W]` into `[N, 1, H, W]`; datasets
 * may therefore apply them to a whole batch at once (see `datasets.MNIST`).
 */
import { tensor, type Tensor } from '@flint/tensor';

/** A transform: one image (or a batch of them) in, one out. */
export type Transform = (x: Tensor) => Tensor;

/**
 * `transforms.ToTensor()` for grayscale images: values 0..255 of shape `[..., H, W]` (float32 or
 * int32, as datasets hold raw pixel bytes) become float32 in [0, 1] of shape `[..., 1, H, W]`.
 */
export function toTensor(): Transform {
  return (x) => {
    if (x.ndim < 2) throw new RangeError(`ToTensor: expected an image of shape [..., H, W] but got [${x.shape.join(', ')}]`);
    return x.float().div(255).unsqueeze(-3);
  };
}

/**
 * `transforms.Normalize(mean, std)`: `out[c] = (x[c] - mean[c]) / std[c]` for images
 * `[..., C, H, W]`; `mean` and `std` are one number, or one per channel.
 * MNIST's usual values are `normalize([0.1307], [0.3081])`.
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const m = typeof mean === 'number' ? [mean] : [...mean];
  const s = typeof std === 'number' ? [std] : [...std];
  if (m.length === 0 || s.length === 0) throw new RangeError('Normalize: mean and std must not be empty');
  if (s.some((v) => Math.fround(v) === 0)) {
    throw new RangeError(`Normalize: std evaluated to zero after conversion to torch.float32, leading to division by zero. (std=[${s.join(', ')}])`);
  }
  return (x) => {
    if (x.ndim < 3) throw new RangeError(`Normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${x.shape.join(', ')}]`);
    const c = x.shape[x.ndim - 3]!;
    for (const [name, v] of [['mean', m], ['std', s]] as const) {
      if (v.length !== 1 && v.length !== c) {
        throw new RangeError(`Normalize: ${name} has ${v.length} values but the image has ${c} channels (shape [${x.shape.join(', ')}])`);
      }
    }
    const mt = tensor(Float32Array.from(m), { shape: [m.length, 1, 1] });
    const st = tensor(Float32Array.from(s), { shape: [s.length, 1, 1] });
    return x.sub(mt).div(st);
  };
}

/** `transforms.Compose([...])`: applies the transforms in order. */
export function compose(transforms: readonly Transform[]): Transform {
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new TypeError(`Compose: transform ${i} is not a function (got ${typeof t})`);
  });
  return (x) => transforms.reduce((acc, t) => t(acc), x);
}
