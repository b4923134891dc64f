/** `parameters_to_vector` / `vector_to_parameters` (`torch.nn.utils`). */
import { cat, withGradMode, type Tensor } from '@flint/tensor';

/** `parameters_to_vector(parameters)`: every parameter flattened and concatenated, `[Σ numel]`. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape([-1])));
}

/** `vector_to_parameters(vec, parameters)`: copies slices of `vec` into the parameters, in place. */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const params = [...parameters];
  const total = params.reduce((n, p) => n + p.numel(), 0);
  if (vec.ndim !== 1 || vec.shape[0] !== total) {
    throw new RangeError(`vectorToParameters: expected a vector of ${total} elements, got shape [${vec.shape.join(', ')}]`);
  }
  withGradMode(false, () => {
    let offset = 0;
    for (const p of params) {
      p.copy_(vec.narrow(0, offset, p.numel()).reshape(p.shape));
      offset += p.numel();
    }
  });
}
