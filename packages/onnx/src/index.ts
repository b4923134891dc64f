/** @flint/onnx: exports Flint models to ONNX (`torch.onnx.export`). */
export { exportOnnx, type ExportOnnxOptions, type AxesSpec, type ExampleInput } from './export.js';
export { onnx } from './proto.js';
