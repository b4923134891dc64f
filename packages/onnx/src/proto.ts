/** @internal ONNX's protobuf schema (`onnx.proto`), as the `onnx-proto` package generates it. */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
