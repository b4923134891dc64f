/**
 * Who may invalidate a tensor: only the program. A tensor the program can still reach stays
 * valid; the automatic rules only move or free *memory*, never a tensor (docs/memory.md has the
 * whole picture, storage.ts the mechanism):
 *
 * - A storage unused for a few sweeps moves out of WASM memory into a JS typed array and comes
 *   back on its next use; one no tensor refers to is freed by a `FinalizationRegistry`.
 * - `tick()` marks a step boundary, where a sweep runs: `backward()` ticks, and so does each
 *   outermost module call in eval mode or under `noGrad` (unless a graph is waiting for its
 *   backward). Sweeps also run by allocation volume, so a loop that never ticks stays bounded.
 * - `dispose()` / `using` release one tensor at once; `scope(fn)` releases what `fn` created
 *   except what it returns and what was kept (`keep()`: parameters, buffers, `.grad`, optimizer
 *   state). The memory of a storage goes when its last tensor is released.
 */
import { beginDeferredRegistration, endDeferredRegistration, stepBoundary } from './storage.js';
import type { Tensor } from './tensor.js';

const scopes: Tensor[][] = [];
let debug = typeof process !== 'undefined' && /^(1|true|yes)$/i.test(process.env?.FLINT_DEBUG ?? '');

/** Records where tensors are created, for the message of a use after `dispose()` (`FLINT_DEBUG=1`). */
export function setDebug(on: boolean): void {
  debug = on;
}

export function isDebug(): boolean {
  return debug;
}

/** Registers a newly created tensor with the innermost `scope`. */
export function track(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1]!.push(t);
}

/**
 * Marks a step boundary: storages unused for a few boundaries leave WASM memory (they come back
 * when used). Called by `backward()` and by outermost module calls in eval mode or under
 * `noGrad`; never needed for correctness.
 */
export function tick(): void {
  stepBoundary();
}

/** Exempts a tensor from `scope()` disposal: it lives until `dispose()` or until unreachable (`tf.keep`). */
export function keep<T extends Tensor>(t: T): T {
  t._kept = true;
  return t;
}

/** Hands a kept tensor back to the ordinary rules (a replaced `.grad`). */
export function unkeep(t: Tensor): void {
  t._kept = false;
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
  else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
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
 * (a tensor, or arrays / plain or prototype-less objects / Maps of them) and tensors that became kept inside
 * (parameters, gradients, optimizer state). If `fn` throws, everything it created (and did not
 * keep) is released. A returned view keeps its storage alive. Like `tf.tidy`; synchronous `fn` only.
 */
export function scope<T>(fn: () => T): T {
  const created: Tensor[] = [];
  scopes.push(created);
  beginDeferredRegistration();
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of created) if (!t._kept && !t.isReleased) t.dispose();
    endDeferredRegistration();
    throw err;
  }
  scopes.pop();
  try {
    if (result instanceof Promise) throw new Error('scope: fn must be synchronous (it returned a Promise)');
    const survivors = new Set<Tensor>();
    collect(result, survivors, tensorCheck);
    const parent = scopes[scopes.length - 1];
    for (const t of created) {
      if (survivors.has(t)) parent?.push(t);
      else if (!t._kept && !t.isReleased) t.dispose();
    }
  } finally {
    endDeferredRegistration();
  }
  return result;
}
