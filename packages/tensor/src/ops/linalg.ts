/**
 * Matrix products. On WASM only a plain 2-D matMul (no transpose flags, batch 1) reaches XNNPACK;
 * everything else runs a scalar loop 12–25× slower. So `mm` is always a plain 2-D matMul, and
 * batched products are split into 2-D ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, composite, shapeStr } from './util.js';
import { expand, reshape } from './shape.js';
import { unstackRows } from '../storage.js';
import { numelOf } from '../strided.js';

function checkFloat(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new TypeError(`${op}: "addmm_impl_cpu_" not implemented for 'Bool'`);
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}: expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}`);
  }
}

/** `torch.mm`: [n, m] @ [m, p] → [n, p]. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new RangeError(`mm: self must be a matrix (got a ${a.ndim}-D tensor of shape ${shapeStr(a.shape)})`);
  if (b.ndim !== 2) throw new RangeError(`mm: mat2 must be a matrix (got a ${b.ndim}-D tensor of shape ${shapeStr(b.shape)})`);
  if (a.shape[1] !== b.shape[0]) {
    throw new RangeError(`mm: mat1 and mat2 shapes cannot be multiplied (${a.shape.join('x')} and ${b.shape.join('x')})`);
  }
  checkFloat('mm', a, b);
  return record('mm', new Tensor(matMul2d(a._data, b._data)), [a, b]);
}

/** A plain 2-D tfjs matMul, also for integer operands (computed in float32, exact below 2^24). */
function matMul2d(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype === 'float32') return matMulFresh(a, b);
  return tf.tidy(() => tf.cast(matMulFresh(tf.cast(a, 'float32'), tf.cast(b, 'float32')), a.dtype));
}

/**
 * The shape each buffer was last multiplied with as the right operand. tfjs-wasm caches XNNPACK's
 * packed right operand by buffer, whatever its shape: a buffer seen with another shape (a view
 * such as the transpose of an `[n, 1]` weight shares its base's buffer) goes in as a fresh copy.
 */
const rightShapes = new WeakMap<object, string>();

/**
 * `tf.matMul(a, b)` of 2-D operands that never meets a packed `b` of another shape. An empty
 * operand gives zeros without the kernel: XNNPACK refuses a size of 0, and an inner size of 0
 * returns uninitialised memory (PyTorch gives zeros).
 */
export function matMulFresh(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.size === 0 || b.size === 0) return tf.zeros([a.shape[0]!, b.shape[1]!]);
  const shape = b.shape.join(',');
  const seen = rightShapes.get(b.dataId);
  if (seen === undefined || seen === shape) {
    rightShapes.set(b.dataId, shape);
    return tf.matMul(a, b);
  }
  const copy = tf.clone(b);
  rightShapes.set(copy.dataId, shape);
  const out = tf.matMul(a, copy);
  copy.dispose();
  return out;
}

/** `torch.bmm`: [B, n, m] @ [B, m, p] → [B, n, p], as B plain 2-D products. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new RangeError(`bmm: batch1 and batch2 must be 3D tensors (got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  }
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new RangeError(`bmm: Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  checkFloat('bmm', a, b);
  const data = a.shape[0] === 0 ? tf.zeros([0, a.shape[1]!, b.shape[2]!], a.dtype) : tf.tidy(() => {
    const as = unstackRows(a._data);
    const bs = unstackRows(b._data);
    return tf.stack(as.map((x, i) => matMul2d(x, bs[i]!)));
  });
  return record('bmm', new Tensor(data), [a, b]);
}

/**
 * `torch.matmul`: 1-D·1-D dot product, 2-D mm, and batched products with broadcasting of the
 * batch dims. A 1-D operand gets a dim added (and removed from the result), as in PyTorch.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return composite([a, b], () => matmulImpl(a, b));
}
function matmulImpl(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) throw new RangeError(`dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
    return reshape(mm(reshape(a, [1, -1]), reshape(b, [-1, 1])), []);
  }
  if (a.ndim === 1) return reshape(matmulImpl(reshape(a, [1, -1]), b), [...b.shape.slice(0, -2), b.shape[b.ndim - 1]!]);
  if (b.ndim === 1) return reshape(matmulImpl(a, reshape(b, [-1, 1])), a.shape.slice(0, -1));
  const [n, k] = a.shape.slice(-2) as [number, number];
  const [k2, p] = b.shape.slice(-2) as [number, number];
  if (k !== k2) {
    throw new RangeError(`matmul: mat1 and mat2 shapes cannot be multiplied (${a.shape.slice(0, -1).reduce((x, y) => x * y, 1)}x${k} and ${k2}x${p})`);
  }
  if (a.ndim === 2 && b.ndim === 2) return mm(a, b);
  // [..., n, k] @ [k, p]: one big 2-D product (the common Linear-on-sequences case).
  if (b.ndim === 2) return reshape(mm(reshape(a, [numelOf(a.shape.slice(0, -1)), k]), b), [...a.shape.slice(0, -1), p]);
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const size = numelOf(batch);
  const ab = reshape(expand(a, [...batch, n, k]), [size, n, k]);
  const bb = reshape(expand(b, [...batch, k, p]), [size, k, p]);
  return reshape(bmm(ab, bb), [...batch, n, p]);
}
