/**
 * Grad mode (`torch.no_grad`, `torch.enable_grad`, `torch.is_grad_enabled`,
 * `torch.set_grad_enabled`). The flag lives in @flint/tensor, where every op reads it.
 *
 * `noGrad` only switches recording off: it does not `tick()`. An inference loop without module
 * calls stays bounded by the allocation-volume sweeps (docs/memory.md); `tick()` once per
 * iteration keeps it tighter. Outermost module calls in eval mode or under `noGrad` tick for you.
 */
import { isGradEnabled, setGradEnabled as setMode, withGradMode } from '@flint/tensor';

function synchronous<T>(op: string, result: T): T {
  if (result instanceof Promise) {
    throw new TypeError(`${op}: fn must be synchronous (it returned a Promise; the grad mode would not cover the code after its first await)`);
  }
  return result;
}

/** Runs `fn` without recording the graph (`with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return synchronous('noGrad', withGradMode(false, fn));
}

/** Runs `fn` with recording on, even inside `noGrad` (`with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return synchronous('enableGrad', withGradMode(true, fn));
}

/** Sets grad mode globally (`torch.set_grad_enabled(mode)`); returns the previous mode. */
export function setGradEnabled(mode: boolean): boolean {
  return setMode(mode);
}

export { isGradEnabled };
