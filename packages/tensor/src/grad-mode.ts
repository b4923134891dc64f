/**
 * Whether ops record the autograd graph (`torch.is_grad_enabled`). The state lives here so every
 * op can read it; `@flint/autograd` exports `noGrad` / `enableGrad` / `isGradEnabled` on top.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with grad mode set to `mode`, restoring the previous mode afterwards. */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Sets grad mode and returns the previous one (for `torch.set_grad_enabled`). */
export function setGradEnabled(mode: boolean): boolean {
  const prev = enabled;
  enabled = mode;
  return prev;
}
