/**
 * `exportOnnx`: `torch.onnx.export` for Flint modules. Runs the model once in eval mode on the
 * example inputs under the tracer (trace.ts) and writes the graph as an ONNX `ModelProto`.
 */
import { noGrad } from '@flint/autograd';
import { scope, type Tensor } from '@flint/tensor';
import type { Module } from '@flint/nn';
import { GraphBuilder, onnxType } from './graph.js';
import { onnx, type schema } from './proto.js';
import { Tracer, flattenTensors } from './trace.js';

/** An argument of `forward`: a tensor, or an array of them (LSTM's `[h0, c0]`); graph inputs are its tensors in order. */
export type ExampleInput = Tensor | readonly ExampleInput[];

/** Symbolic axes of one input or output: `{ 0: 'batch' }`, or `[0]` (names made up), as torch. */
export type AxesSpec = Readonly<Record<number, string>> | readonly number[];

export interface ExportOnnxOptions {
  /** Graph input names, in the order the example inputs' tensors come (default `input`, or `input.0`, `input.1`, ... for several). */
  inputNames?: readonly string[];
  /** Graph output names, in the order the output's tensors come (default `output`, or `output.0`, ...). */
  outputNames?: readonly string[];
  /**
   * Symbolic axes by input/output name (`{ input: { 0: 'batch' }, output: { 0: 'batch' } }`),
   * as `torch.onnx.export`'s `dynamic_axes`. Others keep the traced sizes.
   */
  dynamicAxes?: Readonly<Record<string, AxesSpec>>;
  /** Shorthand: axis 0 of every input and output is `'batch'` (default false). */
  dynamicBatch?: boolean;
  /** The ONNX opset (default and only value: 17). */
  opsetVersion?: number;
}

const OPSET = 17;
/** The IR version of ONNX 1.12, the release of opset 17. */
const IR_VERSION = 8;

/** Names from `given` or the defaults `base` / `base.0`, `base.1`, ... */
function ioNames(kind: 'input' | 'output', given: readonly string[] | undefined, count: number): string[] {
  if (given) {
    if (given.length > count) throw new RangeError(`exportOnnx: ${given.length} ${kind}Names for ${count} ${kind}s`);
    if (new Set(given).size !== given.length) throw new RangeError(`exportOnnx: ${kind}Names has a name twice (${given.join(', ')})`);
  }
  return Array.from({ length: count }, (_, i) => given?.[i] ?? (count === 1 ? kind : `${kind}.${i}`));
}

function axesOf(spec: AxesSpec | undefined, name: string): Map<number, string> {
  const axes = new Map<number, string>();
  if (!spec) return axes;
  if (Array.isArray(spec)) for (const a of spec as readonly number[]) axes.set(a, `${name}_dynamic_axes_${a}`);
  else for (const [a, sym] of Object.entries(spec)) axes.set(Number(a), sym as string);
  return axes;
}

function valueInfo(name: string, t: { shape: readonly number[]; dtype: Tensor['dtype'] }, axes: Map<number, string>): schema.IValueInfoProto {
  for (const a of axes.keys()) {
    if (!Number.isInteger(a) || a < 0 || a >= t.shape.length) throw new RangeError(`exportOnnx: dynamic axis ${a} of '${name}' is out of range for shape [${t.shape.join(', ')}]`);
  }
  const dim = t.shape.map((d, i) => (axes.has(i) ? { dimParam: axes.get(i)! } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: onnxType(t.dtype), shape: { dim } } } };
}

/**
 * `torch.onnx.export(model, args, f, input_names=…, output_names=…, dynamic_axes=…,
 * opset_version=17)`: traces `model(...exampleInputs)` in eval mode (the model's mode is restored
 * afterwards) and returns the ONNX model's bytes. Parameters and buffers become initialisers named
 * by their state-dict keys. What is exported is what this run computed: control flow follows the
 * example inputs, and sizes are the traced ones except the `dynamicAxes` (the ops are written so
 * that a batch axis stays dynamic through them).
 *
 * ```ts
 * const bytes = exportOnnx(model, [randn([2, 1, 28, 28])], { dynamicBatch: true });
 * writeFileSync('model.onnx', bytes);
 * ```
 *
 * An op or layer with no ONNX mapping is an error naming it and the module path it runs in.
 */
export function exportOnnx(model: Module, exampleInputs: Tensor | readonly ExampleInput[], options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opsetVersion ?? OPSET;
  if (opset !== OPSET) throw new RangeError(`exportOnnx: opsetVersion ${opset} is not supported (the exporter writes opset ${OPSET})`);
  const args = Array.isArray(exampleInputs) ? (exampleInputs as readonly ExampleInput[]) : [exampleInputs as Tensor];
  const inputs = flattenTensors(args);
  const inputNames = ioNames('input', options.inputNames, inputs.length);

  const g = new GraphBuilder();
  const stateNames = new Map<Tensor, string>();
  for (const [key, t] of [...model.namedParameters(), ...model.namedBuffers()]) if (!stateNames.has(t)) stateNames.set(t, key);
  const tracer = new Tracer(g, stateNames);
  inputs.forEach((t, i) => tracer.bind(t, g.reserve(inputNames[i]!)));

  const wasTraining = model.training;
  const handles = tracer.hook(model);
  let outputs: { name: string; shape: number[]; dtype: Tensor['dtype'] }[];
  model.eval();
  try {
    outputs = scope(() =>
      noGrad(() =>
        tracer.run(() => {
          const result: unknown = (model as unknown as (...a: readonly ExampleInput[]) => unknown)(...args);
          return flattenTensors(result).map((t) => ({ name: tracer.name(t), shape: [...t.shape], dtype: t.dtype }));
        }),
      ),
    );
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
  if (outputs.length === 0) throw new TypeError('exportOnnx: the model returned no tensor');

  // Output values take the output names (as torch renames them); an input, initialiser or value
  // listed twice is copied through an Identity.
  const outputNames = ioNames('output', options.outputNames, outputs.length);
  const produced = new Set(g.nodes.flatMap((n) => n.output!));
  const renamed = new Map<string, string>();
  const finalNames = outputs.map((o, i) => {
    const name = outputNames[i]!;
    if (produced.has(o.name) && !renamed.has(o.name)) {
      g.reserve(name);
      renamed.set(o.name, name);
    } else g.node('', 'Identity', [renamed.get(o.name) ?? o.name], [g.reserve(name)]);
    return name;
  });
  for (const n of g.nodes) {
    n.input = n.input!.map((v) => renamed.get(v) ?? v);
    n.output = n.output!.map((v) => renamed.get(v) ?? v);
  }
  g.prune(finalNames);

  const dynamic = (name: string) => {
    const axes = axesOf(options.dynamicAxes?.[name], name);
    if (options.dynamicBatch && !axes.has(0)) axes.set(0, 'batch');
    return axes;
  };
  for (const key of Object.keys(options.dynamicAxes ?? {})) {
    if (!inputNames.includes(key) && !finalNames.includes(key)) {
      throw new RangeError(`exportOnnx: dynamicAxes names '${key}', which is neither an input (${inputNames.join(', ')}) nor an output (${finalNames.join(', ')})`);
    }
  }
  const model_: schema.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'flint',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: model._getName(),
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((t, i) => valueInfo(inputNames[i]!, t, dynamic(inputNames[i]!))),
      output: outputs.map((o, i) => valueInfo(finalNames[i]!, o, dynamic(finalNames[i]!))),
    },
  };
  return onnx.ModelProto.encode(model_).finish();
}
