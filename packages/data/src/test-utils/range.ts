/** For tests: the dataset 0, 1, …, n − 1 (`get(i)` is `i`). */
import { Dataset } from '../dataset.js';

export class Range extends Dataset<number> {
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  get(i: number): number {
    return i;
  }
}
