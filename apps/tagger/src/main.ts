/**
 * Trains a bidirectional LSTM part-of-speech tagger on the Brown corpus:
 *
 *   pnpm --filter ./apps/tagger start
 *
 * The corpus' 500 files are split by file with a seed (test, validation, training); the
 * vocabularies come from the training files only. The last line is the test accuracy over the
 * real (unpadded) tokens of the test files. `--export FILE` writes the prepared data for
 * `train_torch.py`, which trains the same model in PyTorch.
 */
import { writeFileSync } from 'node:fs';
import { getBackend, manualSeed } from '@flint/tensor';
import { Adam, lrScheduler } from '@flint/optim';
import { formatDuration, parseCommandLine } from '@flint/example-common';
import { parseOptions, USAGE, type Options } from './args.js';
import { Tagger } from './model.js';
import { mulberry32, prepare, type Prepared } from './split.js';
import { batchIndices } from './batches.js';
import { evaluate, trainEpoch } from './train.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const tokenCount = (s: Prepared['train']) => s.reduce((n, x) => n + x.words.length, 0);

/** The JSON `train_torch.py` reads: settings, split, vocabularies and the encoded sentences. */
function exportPrepared(path: string, data: Prepared, options: Options): void {
  const { export: _e, help: _h, ...settings } = options;
  const sentences = (s: Prepared['train']) => s.map((x) => [x.words, x.suffixes, x.shapes, x.tags]);
  const json = {
    settings,
    split: data.split,
    vocab: { words: data.vocab.words.itos, suffixes: data.vocab.suffixes.itos, tags: data.vocab.tags },
    train: sentences(data.train),
    val: sentences(data.val),
    test: sentences(data.test),
  };
  writeFileSync(path, JSON.stringify(json));
}

function main(argv: string[]): number {
  const options = parseCommandLine(argv, parseOptions, USAGE);
  if (typeof options === 'number') return options;
  const t0 = performance.now();
  const o = options;
  const data = prepare({ seed: o.seed, testFiles: o.testFiles, valFiles: o.valFiles, minCount: o.minCount });
  const { split, vocab } = data;
  console.log(
    `files: ${split.train.length} train, ${split.val.length} validation, ${split.test.length} test; ` +
      `sentences ${data.train.length}/${data.val.length}/${data.test.length}, tokens ${tokenCount(data.train)}/${tokenCount(data.val)}/${tokenCount(data.test)}; ` +
      `vocabulary ${vocab.words.size} words, ${vocab.suffixes.size} suffixes, ${vocab.tags.length} tags`,
  );
  if (o.export) {
    exportPrepared(o.export, data, o);
    console.log(`wrote ${o.export}`);
    return 0;
  }

  manualSeed(o.seed);
  const model = new Tagger({
    words: vocab.words.size,
    suffixes: vocab.suffixes.size,
    tags: vocab.tags.length,
    wordDim: o.wordDim,
    suffixDim: o.suffixDim,
    shapeDim: o.shapeDim,
    hidden: o.hidden,
    layers: o.layers,
    dropout: o.dropout,
  });
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  console.log(
    `bi-LSTM ${o.layers}x${o.hidden}, embeddings ${o.wordDim}+${o.suffixDim}+${o.shapeDim}: ${nParams.toLocaleString('en-US')} parameters; ` +
      `Adam lr ${o.lr}${o.schedule === 'cosine' ? ' (cosine decay)' : ''}, batch ${o.batchSize}, dropout ${o.dropout}, ${o.epochs} epoch(s)${o.maxSteps > 0 ? ` (at most ${o.maxSteps} steps)` : ''}, seed ${o.seed}; backend ${getBackend()}`,
  );
  const opt = new Adam(model.parameters(), { lr: o.lr });
  const rand = mulberry32(o.seed + 1);
  const stepsPerEpoch = batchIndices(data.train.map((s) => s.words.length), o.batchSize).length;
  const totalSteps = Math.min(o.epochs * stepsPerEpoch, o.maxSteps > 0 ? o.maxSteps : Infinity);
  // Cosine decay of the learning rate over all steps of the run, stepped per batch.
  const scheduler = o.schedule === 'cosine' ? new lrScheduler.CosineAnnealingLR(opt, { TMax: Math.max(1, totalSteps) }) : null;
  const trainStart = performance.now();
  let stepsLeft = o.maxSteps > 0 ? o.maxSteps : Infinity;
  for (let epoch = 1; epoch <= o.epochs && stepsLeft > 0; epoch++) {
    const label = `epoch ${epoch}/${o.epochs}`;
    const tr = trainEpoch(model, data.train, opt, o.batchSize, rand, label, stepsLeft, scheduler);
    stepsLeft -= tr.steps;
    const val = data.val.length > 0 ? evaluate(model, data.val) : null;
    console.log(`${label}: ${tr.steps} steps, ${tr.tokens} tokens; train loss ${tr.loss.toFixed(4)}, train acc ${pct(tr.accuracy)}${val ? ` | validation loss ${val.loss.toFixed(4)}, validation acc ${pct(val.accuracy)}` : ''}`);
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;
  const test = evaluate(model, data.test);
  const total = (performance.now() - t0) / 1000;
  console.log(`test loss ${test.loss.toFixed(4)} over ${test.tokens} tokens; training ${formatDuration(trainSeconds)} (${trainSeconds.toFixed(1)} s), total ${formatDuration(total)} (${total.toFixed(1)} s)`);
  console.log(`test accuracy ${pct(test.accuracy)}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
