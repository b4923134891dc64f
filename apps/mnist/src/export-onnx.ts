/** `--export FILE`: the trained model as ONNX, for ONNX Runtime (`torch.onnx.export`). */
import { zeros } from '@flint/tensor';
import type { Module } from '@flint/nn';
import { exportOnnx } from '@flint/onnx';

/**
 * The model's ONNX bytes: input `images` `[batch, 1, 28, 28]` (normalised as in training),
 * output `logits` `[batch, 10]`, with a dynamic batch.
 */
export function mnistOnnx(model: Module): Uint8Array {
  return exportOnnx(model, [zeros([2, 1, 28, 28])], {
    inputNames: ['images'],
    outputNames: ['logits'],
    dynamicAxes: { images: { 0: 'batch' }, logits: { 0: 'batch' } },
  });
}
