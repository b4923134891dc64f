/** Command-line flags of the names example, parsed and validated. */
import { parseArgs } from 'node:util';
import { intFlag, UsageError } from '@flint/example-common';

export interface Options {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
  seed: number;
  samples: number;
  temperature: number;
  dumpSplit: string | null;
  help: boolean;
}

/** The defaults, sized to train in a few minutes on a 2-core machine (see README). */
export const DEFAULTS = {
  epochs: 2,
  batchSize: 32,
  lr: 5e-3,
  weightDecay: 0.01,
  nEmbd: 64,
  nHead: 4,
  nLayer: 2,
  dropout: 0.1,
  seed: 0,
  samples: 10,
  temperature: 0.8,
} as const;

export const USAGE = `Usage: pnpm --filter ./apps/names start -- [options]

Trains a character-level GPT on 90% of 8,422 English first names, reports its test loss per
character next to a bigram baseline's, and samples new names.

Options:
  --epochs N          passes over the training names (default ${DEFAULTS.epochs})
  --batch-size N      names per step (default ${DEFAULTS.batchSize})
  --lr X              AdamW's peak learning rate, cosine-decayed over the run (default ${DEFAULTS.lr})
  --weight-decay X    AdamW's decoupled weight decay (default ${DEFAULTS.weightDecay})
  --n-embd N          embedding width (default ${DEFAULTS.nEmbd}; the feed-forward width is 4·N)
  --n-head N          attention heads, dividing --n-embd (default ${DEFAULTS.nHead})
  --n-layer N         transformer blocks (default ${DEFAULTS.nLayer})
  --dropout X         dropout after the embeddings and in every block (default ${DEFAULTS.dropout})
  --seed N            seed for the split, initialisation, shuffling and sampling (default ${DEFAULTS.seed})
  --samples N         names to sample after training (default ${DEFAULTS.samples})
  --temperature X     sampling temperature (default ${DEFAULTS.temperature})
  --dump-split FILE   write the split, the character set and the settings as JSON (for
                      train_torch.py) and exit without training
  --help              print this help
`;

export { UsageError };


const int = (name: string, value: string | undefined, min: number, fallback: number): number => intFlag(name, value, min) ?? fallback;

function num(name: string, value: string | undefined, ok: (x: number) => boolean, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name} must be ${what} (got '${value}')`);
  return x;
}

export function parseOptions(argv: readonly string[]): Options {
  const names = ['epochs', 'batch-size', 'lr', 'weight-decay', 'n-embd', 'n-head', 'n-layer', 'dropout', 'seed', 'samples', 'temperature', 'dump-split'] as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: { ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const s = (k: (typeof names)[number]) => values[k] as string | undefined;
  const options: Options = {
    epochs: int('epochs', s('epochs'), 0, DEFAULTS.epochs),
    batchSize: int('batch-size', s('batch-size'), 1, DEFAULTS.batchSize),
    lr: num('lr', s('lr'), (x) => x > 0, 'a positive number', DEFAULTS.lr),
    weightDecay: num('weight-decay', s('weight-decay'), (x) => x >= 0, 'a number >= 0', DEFAULTS.weightDecay),
    nEmbd: int('n-embd', s('n-embd'), 1, DEFAULTS.nEmbd),
    nHead: int('n-head', s('n-head'), 1, DEFAULTS.nHead),
    nLayer: int('n-layer', s('n-layer'), 1, DEFAULTS.nLayer),
    dropout: num('dropout', s('dropout'), (x) => x >= 0 && x < 1, 'in [0, 1)', DEFAULTS.dropout),
    seed: int('seed', s('seed'), 0, DEFAULTS.seed),
    samples: int('samples', s('samples'), 0, DEFAULTS.samples),
    temperature: num('temperature', s('temperature'), (x) => x > 0, 'a positive number', DEFAULTS.temperature),
    dumpSplit: s('dump-split') ?? null,
    help: values.help === true,
  };
  if (options.nEmbd % options.nHead !== 0) throw new UsageError(`--n-embd (${options.nEmbd}) must be divisible by --n-head (${options.nHead})`);
  return options;
}
