/**
 * `torch.einsum(equation, *operands)`: sums of products over labelled dims, e.g. `ij,jk->ik`
 * (mm), `bij,bjk->bik` (bmm), `ii->i` (diagonal), `bhqd,bhkd->bhqk` (attention scores), `ij->`
 * (sum), implicit outputs (`ij,jk`: the labels used once, in alphabetical order) and `...` for
 * broadcast dims. It is composed of recorded ops — `diagonal` for a label repeated within an
 * operand, `sum` for a label no later operand or the output needs, then `permute` / `reshape` /
 * `matmul` for each pair of operands, left to right — so its gradient is theirs.
 */
import { Tensor } from '../tensor.js';
import { diagonal } from './diagonal.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { expand, permute, reshape } from './shape.js';
import { composite, numelOf } from './util.js';

/** An operand and the label of each of its dims. */
interface Term {
  t: Tensor;
  labels: string[];
}

const LETTER = /^[a-zA-Z]$/;
/** Labels for the broadcast dims of `...` (not letters, so they never clash). */
const ellipsisLabel = (i: number): string => `#${i}`;

function parseTerm(term: string, ndim: number, op: number, equation: string): { labels: string[]; ellipsis: number } {
  const dots = term.indexOf('...');
  const letters = term.replace('...', '');
  for (const c of letters) {
    if (!LETTER.test(c)) throw new RangeError(`einsum(): invalid subscript given at index ${term.indexOf(c)} in the equation string '${equation}', subscripts must be in [a-zA-Z]`);
  }
  if (letters.includes('.')) throw new RangeError(`einsum(): found '.' for operand ${op} that is not part of any ellipsis`);
  const ellipsis = dots >= 0 ? ndim - letters.length : 0;
  if (ellipsis < 0 || (dots < 0 && letters.length !== ndim)) {
    throw new RangeError(`einsum(): the number of subscripts in the equation (${letters.length}) does not match the number of dimensions (${ndim}) for operand ${op}${dots < 0 ? ' and no ellipsis was given' : ''}`);
  }
  return { labels: [...letters], ellipsis };
}

/** Takes the diagonal of each label repeated within a term, so every label appears once. */
function dedupe(term: Term): Term {
  let { t, labels } = term;
  for (;;) {
    const p = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (p < 0) return { t, labels };
    const first = labels.indexOf(labels[p]!);
    if (t.shape[first] !== t.shape[p]) {
      throw new RangeError(`einsum(): subscript ${labels[p]} is repeated for operand but the sizes don't match, ${t.shape[first]} != ${t.shape[p]}`);
    }
    t = diagonal(t, 0, first, p);
    labels = [...labels.filter((_, i) => i !== first && i !== p), labels[p]!];
  }
}

/** Sums away the dims of `term` whose labels are not in `keep`. */
function sumAway(term: Term, keep: ReadonlySet<string>): Term {
  const dims = term.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (dims.length === 0) return term;
  return { t: sum(term.t, dims), labels: term.labels.filter((l) => keep.has(l)) };
}

/** `a`'s and `b`'s product, summed over the shared labels not in `keep` (permute, reshape, matmul). */
function contract(a: Term, b: Term, keep: ReadonlySet<string>, sizes: ReadonlyMap<string, number>): Term {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const order = (term: Term, ls: string[]): Tensor => {
    const moved = permute(term.t, ls.map((l) => term.labels.indexOf(l)));
    // Size-1 (broadcast) dims of the summed labels must be expanded to be multiplied.
    const full = ls.map((l, i) => (summed.includes(l) ? sizes.get(l)! : moved.shape[i]!));
    return full.every((s, i) => s === moved.shape[i]) ? moved : expand(moved, full);
  };
  const size = (t: Tensor, from: number, n: number): number => numelOf(t.shape.slice(from, from + n));
  const at = order(a, [...batch, ...aOnly, ...summed]);
  const bt = order(b, [...batch, ...summed, ...bOnly]);
  const nb = batch.length;
  const a3 = reshape(at, [...at.shape.slice(0, nb), size(at, nb, aOnly.length), size(at, nb + aOnly.length, summed.length)]);
  const b3 = reshape(bt, [...bt.shape.slice(0, nb), size(bt, nb, summed.length), size(bt, nb + summed.length, bOnly.length)]);
  const prod = matmul(a3, b3);
  const shape = [...prod.shape.slice(0, nb), ...at.shape.slice(nb, nb + aOnly.length), ...bt.shape.slice(nb + summed.length)];
  return { t: reshape(prod, shape), labels: [...batch, ...aOnly, ...bOnly] };
}

/**
 * `torch.einsum(equation, *operands)`: `einsum('ij,jk->ik', a, b)` or `einsum('ij,jk', [a, b])`.
 * Spaces are ignored; a label's size must agree across operands (or be 1 under `...`).
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor {
  if (typeof equation !== 'string') throw new TypeError(`einsum(): argument 'equation' must be a string (got ${typeof equation})`);
  const ops: readonly Tensor[] = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as readonly Tensor[]) : (operands as Tensor[]);
  ops.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum(): operand ${i} must be a Tensor (got ${t === null ? 'null' : typeof t})`);
  });
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(',');
  if (terms.length !== ops.length) {
    throw new RangeError(`einsum(): ${terms.length > ops.length ? 'more' : 'fewer'} operands were provided than specified in the equation (equation '${equation}' has ${terms.length}, got ${ops.length})`);
  }
  const parsed = terms.map((s, i) => parseTerm(s, ops[i]!.ndim, i, equation));
  const nEll = Math.max(0, ...parsed.map((p) => p.ellipsis));
  const ellLabels = Array.from({ length: nEll }, (_, i) => ellipsisLabel(i));
  const fullLabels = parsed.map((p, i) => {
    const term = terms[i]!;
    const dots = term.indexOf('...');
    if (dots < 0) return p.labels;
    const before = [...term.slice(0, dots)];
    return [...before, ...ellLabels.slice(nEll - p.ellipsis), ...p.labels.slice(before.length)];
  });
  // Output labels: explicit, or the letters used once (alphabetically) after the broadcast dims.
  let out: string[];
  if (arrow >= 0) {
    const rhs = eq.slice(arrow + 2);
    const dots = rhs.indexOf('...');
    const letters = [...rhs.replace('...', '')];
    for (const c of letters) {
      if (!LETTER.test(c)) throw new RangeError(`einsum(): invalid subscript '${c}' in the output of '${equation}', subscripts must be in [a-zA-Z]`);
      if (!fullLabels.some((ls) => ls.includes(c))) throw new RangeError(`einsum(): output subscript ${c} does not appear in the equation for any input operand`);
    }
    if (new Set(letters).size !== letters.length) throw new RangeError(`einsum(): output subscript appears more than once in the output of '${equation}'`);
    // Broadcast dims left out of an explicit output are summed.
    out = dots < 0 ? letters : [...letters.slice(0, dots), ...ellLabels, ...letters.slice(dots)];
  } else {
    const counts = new Map<string, number>();
    for (const ls of fullLabels) for (const l of ls) if (LETTER.test(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
    out = [...ellLabels, ...[...counts].filter(([, n]) => n === 1).map(([l]) => l).sort()];
  }
  // Sizes: equal across operands, or 1 (broadcast).
  const sizes = new Map<string, number>();
  fullLabels.forEach((ls, i) =>
    ls.forEach((l, d) => {
      const s = ops[i]!.shape[d]!;
      const prev = sizes.get(l);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new RangeError(`einsum(): operands do not broadcast with remapped shapes (subscript ${l.startsWith('#') ? '...' : l} has sizes ${prev} and ${s})`);
      }
      if (prev === undefined || prev === 1) sizes.set(l, s);
    }),
  );
  return composite(ops, () => {
    const needed = (from: number): Set<string> => new Set([...out, ...fullLabels.slice(from).flat()]);
    let cur = sumAway(dedupe({ t: ops[0]!, labels: fullLabels[0]! }), needed(1));
    for (let i = 1; i < ops.length; i++) {
      const keep = needed(i + 1);
      const next = sumAway(dedupe({ t: ops[i]!, labels: fullLabels[i]! }), new Set([...keep, ...cur.labels]));
      cur = sumAway(cur, new Set([...keep, ...next.labels]));
      cur = contract(cur, next, keep, sizes);
    }
    cur = sumAway(cur, new Set(out));
    const result = permute(cur.t, out.map((l) => cur.labels.indexOf(l)));
    return result === ops[0] ? result.clone() : result;
  });
}
