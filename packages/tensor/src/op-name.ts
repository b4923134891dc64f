/**
 * The public op that is running, for error messages raised deep below it (a disposed tensor read
 * by a kernel, an allocation that does not fit): the outermost `@flint/tensor` frame of the
 * innermost run of them on the stack, e.g. `add` for `x.add(y)`, `linear` for a `Linear` layer.
 */
const FLINT_FRAME = /[\\/](?:@flint|packages)[\\/]tensor[\\/]/;
const INTERNAL = new Set(['callingOp', 'releasedError', 'outOfMemory']);

export function callingOp(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60; // the kernel library's frames sit between the op and here
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  Error.stackTraceLimit = limit;
  let name = '';
  for (const f of frames) {
    if (!FLINT_FRAME.test(f)) {
      if (name) break;
      continue;
    }
    const m = /at (?:new )?([\w$.<> ]+?) \(/.exec(f);
    const fn = m?.[1]?.replace(/^(Tensor|Object|Function|Module)\./, '') ?? '';
    if (fn && !fn.startsWith('get ') && !fn.startsWith('_') && !INTERNAL.has(fn) && !fn.includes('.')) name = fn;
  }
  return name;
}
