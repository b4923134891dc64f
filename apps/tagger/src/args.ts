/** Command-line flags of the tagger, parsed and validated. */
import { parseArgs } from 'node:util';
import { intFlag, UsageError } from '@flint/example-common';

export interface Options {
  epochs: number;
  /** Stop training after this many steps in all (0: no limit). */
  maxSteps: number;
  batchSize: number;
  lr: number;
  /** `'cosine'`: the learning rate decays to 0 over all steps of the run (per batch); `'constant'`. */
  schedule: 'constant' | 'cosine';
  hidden: number;
  layers: number;
  wordDim: number;
  suffixDim: number;
  shapeDim: number;
  dropout: number;
  minCount: number;
  testFiles: number;
  valFiles: number;
  seed: number;
  export: string | null;
  help: boolean;
}

/** The defaults, chosen so that a run takes about 4 minutes on a 2-core machine (see README). */
export const DEFAULTS: Omit<Options, 'export' | 'help'> = {
  epochs: 1,
  maxSteps: 560,
  batchSize: 64,
  lr: 0.01,
  schedule: 'constant',
  hidden: 32,
  layers: 1,
  wordDim: 64,
  suffixDim: 32,
  shapeDim: 8,
  dropout: 0.25,
  minCount: 2,
  testFiles: 50,
  valFiles: 10,
  seed: 0,
};

export const USAGE = `Usage: pnpm --filter ./apps/tagger start -- [options]

Trains a bidirectional LSTM part-of-speech tagger on the Brown corpus (500 files, split by file)
and reports the tag accuracy on the held-out test files.

Options:
  --epochs N        passes over the training files (default ${DEFAULTS.epochs})
  --max-steps N     stop after N steps in all, even within an epoch (default ${DEFAULTS.maxSteps}; 0: no limit)
  --batch-size N    sentences per step (default ${DEFAULTS.batchSize})
  --lr X            Adam learning rate (default ${DEFAULTS.lr})
  --schedule S      constant, or cosine: the learning rate decays to 0 over the run's steps (default ${DEFAULTS.schedule})
  --hidden N        LSTM hidden size per direction (default ${DEFAULTS.hidden})
  --layers N        stacked LSTM layers (default ${DEFAULTS.layers})
  --word-dim N      word embedding size (default ${DEFAULTS.wordDim})
  --suffix-dim N    suffix embedding size (default ${DEFAULTS.suffixDim})
  --shape-dim N     capitalisation-shape embedding size (default ${DEFAULTS.shapeDim})
  --dropout X       dropout on the embeddings and the LSTM outputs (default ${DEFAULTS.dropout})
  --min-count N     words (and suffixes) seen fewer times in training are unknown (default ${DEFAULTS.minCount})
  --test-files N    files held out for testing (default ${DEFAULTS.testFiles})
  --val-files N     files held out for validation (default ${DEFAULTS.valFiles})
  --seed N          seed of the split, the initialisation and the shuffling (default ${DEFAULTS.seed})
  --export FILE     write the prepared data (split, vocabularies, ids) and the settings as JSON
                    for train_torch.py, then exit
  --help            print this help
`;

export { UsageError };


function real(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}] (got '${value}')`);
  return n;
}

const INT_FLAGS = ['epochs', 'max-steps', 'batch-size', 'hidden', 'layers', 'word-dim', 'suffix-dim', 'shape-dim', 'min-count', 'test-files', 'val-files', 'seed'] as const;

const int = intFlag;

export function parseOptions(argv: readonly string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries([...INT_FLAGS, 'lr', 'schedule', 'dropout', 'export'].map((k) => [k, { type: 'string' as const }]));
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const str = (k: string) => values[k] as string | undefined;
  const d = DEFAULTS;
  const schedule = str('schedule') ?? d.schedule;
  if (schedule !== 'constant' && schedule !== 'cosine') throw new UsageError(`--schedule must be constant or cosine (got '${schedule}')`);
  const lr = real('lr', str('lr'), Number.MIN_VALUE, Infinity) ?? d.lr;
  return {
    epochs: int('epochs', str('epochs'), 1) ?? d.epochs,
    maxSteps: int('max-steps', str('max-steps'), 0) ?? d.maxSteps,
    batchSize: int('batch-size', str('batch-size'), 1) ?? d.batchSize,
    lr,
    schedule,
    hidden: int('hidden', str('hidden'), 1) ?? d.hidden,
    layers: int('layers', str('layers'), 1) ?? d.layers,
    wordDim: int('word-dim', str('word-dim'), 1) ?? d.wordDim,
    suffixDim: int('suffix-dim', str('suffix-dim'), 1) ?? d.suffixDim,
    shapeDim: int('shape-dim', str('shape-dim'), 1) ?? d.shapeDim,
    dropout: real('dropout', str('dropout'), 0, 0.99) ?? d.dropout,
    minCount: int('min-count', str('min-count'), 1) ?? d.minCount,
    testFiles: int('test-files', str('test-files'), 1) ?? d.testFiles,
    valFiles: int('val-files', str('val-files'), 0) ?? d.valFiles,
    seed: int('seed', str('seed'), 0) ?? d.seed,
    export: str('export') ?? null,
    help: values.help === true,
  };
}
