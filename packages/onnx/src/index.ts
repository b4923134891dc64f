/** @flint/onnx: exports Flint models to ONNX (`torch.onnx.export`). */
export { onnx } from './proto.js';
