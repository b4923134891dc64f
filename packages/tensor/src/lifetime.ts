/**
 * Who frees a tensor's backend memory. WASM memory is not garbage-collected, and finalizers never
 * run while a synchronous training loop is busy, so Flint frees memory deterministically. The
 * model (docs/memory.md gives the whole picture):
 *
 * - **Kept** tensors live until `dispose()`: parameters, module buffers, `.grad`, optimizer state,
 *   tensors created before the first step, and anything passed to `keep()`.
 * - **Step temporaries**: once training or inference has started (the first `tick()`), every other
 *   tensor is a temporary. Each use as an op input refreshes it; a temporary that no op has used
 *   for `RETAIN_TICKS` ticks is released. `backward()` ticks, and so does each outermost module
 *   call made in eval mode or under `noGrad`.
 * - **Scopes**: `scope(fn)` releases everything created inside except what `fn` returns and what
 *   became kept meanwhile.
 * - `dispose()` / `using` release one tensor at once.
 */
import type { Tensor } from './tensor.js';

/** How many ticks a temporary survives after its last use. */
export const RETAIN_TICKS = 2;

let generation = 0;
let started = false;
const temporaries = new Set<Tensor>();
const scopes: Tensor[][] = [];

/** The current generation: ops stamp their inputs and outputs with it. */
export function currentGeneration(): number {
  return generation;
}

/** Registers a newly created tensor with the lifetime rules above. */
export function track(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1]!.push(t);
  t._gen = generation;
  if (started) temporaries.add(t);
}

/**
 * Marks a step boundary: releases temporaries unused for `RETAIN_TICKS` ticks. Called by
 * `backward()` and by outermost module calls in eval mode or under `noGrad`; call it yourself in a
 * loop that does neither.
 */
export function tick(): void {
  started = true;
  generation++;
  for (const t of temporaries) {
    if (generation - t._gen > RETAIN_TICKS) {
      temporaries.delete(t);
      t._release('auto');
    }
  }
}

/** Takes a tensor out of the automatic rules: it lives until `dispose()` (`tf.keep`). */
export function keep<T extends Tensor>(t: T): T {
  t._kept = true;
  temporaries.delete(t);
  return t;
}

/** Hands a kept tensor back to the automatic rules, as a temporary used now. */
export function unkeep(t: Tensor): void {
  if (!t._kept) return;
  t._kept = false;
  t._gen = generation;
  if (started) temporaries.add(t);
}

/** Called by `Tensor.dispose()`. */
export function forget(t: Tensor): void {
  temporaries.delete(t);
}

/** Collects the tensors reachable from a scope's return value. */
function collect(value: unknown, into: Set<Tensor>, isTensor: (v: unknown) => v is Tensor, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, isTensor, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into, isTensor, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, isTensor, depth + 1);
  }
}

let tensorCheck: (v: unknown) => v is Tensor = (v): v is Tensor => false;
/** @internal set by tensor.ts to break the import cycle. */
export function setTensorCheck(fn: (v: unknown) => v is Tensor): void {
  tensorCheck = fn;
}

/**
 * Runs `fn` and releases every tensor created inside it, except the tensors in its return value
 * (a tensor, or arrays / plain objects / Maps of them) and tensors that became kept inside
 * (parameters, gradients, optimizer state). If `fn` throws, everything it created (and did not
 * keep) is released. Like `tf.tidy`; synchronous `fn` only.
 */
export function scope<T>(fn: () => T): T {
  const created: Tensor[] = [];
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    // A throwing fn returns nothing: everything it created (and did not keep) goes.
    for (const t of created) if (!t._kept && !t.isReleased) t.dispose();
    throw err;
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) throw new Error('scope: fn must be synchronous (it returned a Promise)');
  const survivors = new Set<Tensor>();
  collect(result, survivors, tensorCheck);
  const parent = scopes[scopes.length - 1];
  for (const t of created) {
    if (survivors.has(t)) parent?.push(t);
    else if (!t._kept && !t.isReleased) t.dispose();
  }
  return result;
}
