/** @flint/onnx: exports Flint models to ONNX (`torch.onnx.export`). */
export { exportOnnx, type ExportOnnxOptions, type AxesSpec } from './export.js';
export { onnx } from './proto.js';
