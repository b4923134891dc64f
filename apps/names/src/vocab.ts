/**
 * Characters ↔ token ids, and names → padded next-character training pairs. Browser-safe (no
 * Node imports): the web app imports this module too.
 *
 * Token 0 is '.', which both starts and ends a name (makemore's convention). A name `emma` of a
 * block of 6 becomes
 *
 *   x = . e m m a .      (input; padding positions repeat '.')
 *   y = e m m a . -100   (targets; padding is IGNORE_INDEX, skipped by the loss)
 */
import { Generator, randperm } from '@flint/tensor';

/** The start/end token. */
export const BOUNDARY = '.';
/** The target of padding positions: `F.crossEntropy`'s default `ignoreIndex`, as PyTorch's. */
export const IGNORE_INDEX = -100;

export class Vocab {
  /** `chars[i]` is token i; `chars[0]` is '.'. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: readonly string[]) {
    if (chars[0] !== BOUNDARY) throw new Error(`Vocab: token 0 must be '${BOUNDARY}' (got '${chars[0]}')`);
    this.chars = chars;
    this.ids = new Map(chars.map((c, i) => [c, i]));
    if (this.ids.size !== chars.length) throw new Error('Vocab: characters must be distinct');
  }

  /** '.' followed by every character of `names`, sorted. */
  static fromNames(names: readonly string[]): Vocab {
    const set = new Set<string>();
    for (const n of names) for (const c of n) set.add(c);
    if (set.has(BOUNDARY)) throw new Error(`Vocab: names may not contain '${BOUNDARY}'`);
    return new Vocab([BOUNDARY, ...[...set].sort()]);
  }

  get size(): number {
    return this.chars.length;
  }

  id(c: string): number {
    const i = this.ids.get(c);
    if (i === undefined) throw new Error(`Vocab: unknown character '${c}'`);
    return i;
  }

  encode(s: string): number[] {
    return [...s].map((c) => this.id(c));
  }

  decode(ids: Iterable<number>): string {
    let s = '';
    for (const i of ids) s += this.chars[i] ?? '?';
    return s;
  }
}

/** The block size that fits every name of `names`: its longest length + 1 (for the boundary). */
export function blockSizeFor(names: readonly string[]): number {
  return Math.max(...names.map((n) => [...n].length)) + 1;
}

/**
 * `names` as next-character pairs, each row `blockSize` long: `x [N·T]` ('.' then the name, padded
 * with '.') and `y [N·T]` (the name then '.', padded with IGNORE_INDEX), row-major.
 */
export function encodeNames(names: readonly string[], vocab: Vocab, blockSize: number): { x: Int32Array; y: Int32Array } {
  const n = names.length;
  const x = new Int32Array(n * blockSize).fill(vocab.id(BOUNDARY));
  const y = new Int32Array(n * blockSize).fill(IGNORE_INDEX);
  names.forEach((name, r) => {
    const ids = vocab.encode(name);
    if (ids.length + 1 > blockSize) throw new Error(`encodeNames: '${name}' needs a block of ${ids.length + 1}, more than ${blockSize}`);
    const row = r * blockSize;
    ids.forEach((id, j) => {
      x[row + j + 1] = id;
      y[row + j] = id;
    });
    y[row + ids.length] = vocab.id(BOUNDARY);
  });
  return { x, y };
}

/**
 * A random split of `names` (torch: `randperm`, the default generator unless one is given): the
 * first `round(testFraction·N)` of the permutation are the test names, the rest the training
 * names, each in permutation order.
 */
export function splitNames(names: readonly string[], testFraction = 0.1, generator?: Generator): { train: string[]; test: string[] } {
  const perm = randperm(names.length, generator ? { generator } : {});
  const order = Array.from(perm.dataSync());
  perm.dispose();
  const nTest = Math.round(testFraction * names.length);
  return { test: order.slice(0, nTest).map((i) => names[i]!), train: order.slice(nTest).map((i) => names[i]!) };
}
