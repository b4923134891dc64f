/**
 * `Parameter`: a tensor that is a module's learnable state (`torch.nn.Parameter`).
 */
import { Tensor } from '@flint/tensor';

/**
 * `torch.nn.Parameter(data, requires_grad=True)`: a leaf tensor that a `Module` registers when it is
 * assigned to one of its fields, so it shows up in `parameters()` and `stateDict()`.
 *
 * It shares the storage of `data`, as PyTorch's `Parameter(t)` does (an in-place change of either
 * is seen by both), and is a leaf whatever `data` was. It is exempt from `scope()` (`keep()`);
 * layers that build a parameter from a fresh tensor dispose that tensor at once (the storage
 * stays with the parameter).
 *
 * ```ts
 * const w = new Parameter(randn([3, 4]));
 * w.requiresGrad; // true
 * String(w);     // 'Parameter containing:\ntensor([[...]], requires_grad=True)'
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new TypeError(`Parameter: data must be a Tensor (got ${data === null ? 'null' : typeof data})`);
    }
    super(data);
    this.requiresGrad_(requiresGrad);
    this.keep();
  }

  /** `Parameter containing:\ntensor([...], requires_grad=True)`, as PyTorch prints it. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** @internal A parameter built from a fresh tensor that nobody else holds: frees `data` at once. */
export function ownParameter(data: Tensor, requiresGrad = true): Parameter {
  const p = new Parameter(data, requiresGrad);
  data.dispose();
  return p;
}
