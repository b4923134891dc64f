/**
 * @internal What PyTorch's `_ConvNd` does for every convolution layer (`Conv1d`, `Conv2d`,
 * `ConvTranspose2d`): register `weight` and `bias` (or `null`), and initialise them.
 */
import { empty } from '@flint/tensor';
import { init, Parameter, type Module } from '@flint/nn';

/** Registers `weight` of `weightShape` and `bias [outChannels]` (or a `null` bias) on `m`. */
export function registerConvParameters(m: Module, weightShape: readonly number[], outChannels: number, bias: boolean): void {
  const w = empty(weightShape);
  m.registerParameter('weight', new Parameter(w));
  w.dispose();
  if (bias) {
    const b = empty([outChannels]);
    m.registerParameter('bias', new Parameter(b));
    b.dispose();
  } else {
    m.registerParameter('bias', null);
  }
}

/**
 * `_ConvNd.reset_parameters`: weight ~ kaiming-uniform with a = √5, bias ~ U(±1/√fanIn), fanIn
 * from the weight's dim 1 times its kernel (in/groups for a conv, out/groups for a transposed one).
 */
export function resetConvParameters(weight: Parameter, bias: Parameter | null): void {
  init.kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = init._calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    init.uniform_(bias, -bound, bound);
  }
}
