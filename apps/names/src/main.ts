/**
 * Trains a character-level GPT on English first names and samples new ones:
 *
 *   pnpm --filter ./apps/names start -- --epochs 10
 *
 * Reports the test loss per character next to a count-based bigram baseline; the last line is
 * `test loss 2.051 nats/char (bigram baseline 2.455)`. `train_torch.py` trains the same model in
 * PyTorch on the split written by `--dump-split`.
 */
import { writeFileSync } from 'node:fs';
import { Generator, getBackend, manualSeed } from '@flint/tensor';
import { AdamW, lrScheduler } from '@flint/optim';
import { DataLoader, TensorDataset } from '@flint/data';
import { formatDuration, parseCommandLine, Progress } from '@flint/example-common';
import { parseOptions, USAGE, type Options } from './args.js';
import { bigramLoss } from './bigram.js';
import { loadNames } from './data.js';
import { NamesGPT, type GPTConfig } from './model.js';
import { sampleNames } from './sample.js';
import { evaluate, rows, trainStep } from './train.js';
import { blockSizeFor, encodeNames, splitNames, Vocab } from './vocab.js';

/** The fraction of the names held out for the test loss. */
const TEST_FRACTION = 0.1;
/** Add-alpha smoothing of the bigram baseline. */
const BIGRAM_ALPHA = 1;

async function main(argv: string[]): Promise<number> {
  const options = parseCommandLine(argv, parseOptions, USAGE);
  if (typeof options === 'number') return options;
  const t0 = performance.now();
  manualSeed(options.seed);
  const names = loadNames();
  const vocab = Vocab.fromNames(names);
  const blockSize = blockSizeFor(names);
  const { train, test } = splitNames(names, TEST_FRACTION);
  const config: GPTConfig = { vocabSize: vocab.size, blockSize, nEmbd: options.nEmbd, nHead: options.nHead, nLayer: options.nLayer, dropout: options.dropout };

  if (options.dumpSplit) {
    const { dumpSplit, help, ...settings } = options;
    void help;
    writeFileSync(dumpSplit, `${JSON.stringify({ chars: vocab.chars, model: config, settings: { ...settings, bigramAlpha: BIGRAM_ALPHA }, train, test }, null, 1)}\n`);
    console.log(`wrote ${dumpSplit}: ${train.length} training and ${test.length} test names, ${vocab.size} characters, block ${blockSize}`);
    return 0;
  }

  const bigram = bigramLoss(train, test, vocab, BIGRAM_ALPHA);
  const trainData = encodeNames(train, vocab, blockSize);
  const testData = encodeNames(test, vocab, blockSize);
  const xTest = rows(testData.x, blockSize);
  const yTest = rows(testData.y, blockSize);
  const dataset = new TensorDataset(rows(trainData.x, blockSize), rows(trainData.y, blockSize));
  const loader = new DataLoader(dataset, { batchSize: options.batchSize, shuffle: true, generator: new Generator(options.seed) });

  const model = new NamesGPT(config);
  const opt = new AdamW(model.parameters(), { lr: options.lr, weightDecay: options.weightDecay });
  // Cosine decay of the learning rate over all steps of the run, stepped per batch.
  const scheduler = new lrScheduler.CosineAnnealingLR(opt, { TMax: Math.max(1, options.epochs * loader.length) });
  console.log(
    `GPT: ${model.numParams().toLocaleString('en-US')} parameters (${options.nLayer} layers, ${options.nHead} heads, width ${options.nEmbd}, block ${blockSize}, ` +
      `${vocab.size} characters); ${train.length} training names, ${test.length} test names; AdamW lr ${options.lr}, weight decay ${options.weightDecay}, ` +
      `dropout ${options.dropout}, batch ${options.batchSize}, ${options.epochs} epoch(s), seed ${options.seed}; backend ${getBackend()}`,
  );
  console.log(`bigram baseline (add-${BIGRAM_ALPHA} smoothing): test loss ${bigram.toFixed(4)} nats/char`);

  const trainStart = performance.now();
  let testLoss = Number.NaN;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const label = `epoch ${epoch}/${options.epochs}`;
    const progress = new Progress(label, loader.length);
    model.train();
    let step = 0;
    let seen = 0;
    let lossSum = 0;
    let correct = 0;
    let chars = 0;
    for (const [x, y] of loader) {
      const r = await trainStep(model, opt, x, y);
      scheduler.step();
      seen += x.shape[0]!;
      lossSum += r.loss * r.chars;
      correct += r.correct;
      chars += r.chars;
      progress.update(++step, seen, lossSum / chars, correct / chars);
    }
    testLoss = (await evaluate(model, xTest, yTest)).loss;
    console.log(`${label}: train loss ${(lossSum / chars).toFixed(4)}, train acc ${((correct / chars) * 100).toFixed(2)}% | test loss ${testLoss.toFixed(4)} nats/char`);
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;
  if (options.epochs === 0) testLoss = (await evaluate(model, xTest, yTest)).loss;

  if (options.samples > 0) {
    const sampled = await sampleNames(model, vocab, { count: options.samples, temperature: options.temperature, generator: new Generator(options.seed) });
    const novel = sampled.filter((n) => n && !names.includes(n)).length;
    console.log(`${sampled.length} sampled names (temperature ${options.temperature}; ${novel} not in the data set):`);
    for (const n of sampled) console.log(`  ${n || '(empty)'}${names.includes(n) ? '' : ' *'}`);
  }
  const total = (performance.now() - t0) / 1000;
  console.log(`training ${formatDuration(trainSeconds)} (${trainSeconds.toFixed(1)} s), total ${formatDuration(total)} (${total.toFixed(1)} s)`);
  console.log(`test loss ${testLoss.toFixed(3)} nats/char (bigram baseline ${bigram.toFixed(3)})`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
