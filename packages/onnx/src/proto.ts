/** @internal ONNX's protobuf schema (`onnx.proto`), as the `onnx-proto` package generates it. */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
/** @internal The message types of the schema (`schema.INodeProto`, ...). */
export type { onnx as schema } from 'onnx-proto';
