/** Every backward formula, by recorded op name (`derivatives.yaml`). */
import { activationFormulas } from './activation.js';
import { convFormulas } from './conv.js';
import { cumulativeFormulas } from './cumulative.js';
import { indexingFormulas } from './indexing.js';
import { linalgFormulas } from './linalg.js';
import { linearFormulas } from './linear.js';
import { normFormulas } from './norm.js';
import { pointwiseFormulas } from './pointwise.js';
import { reduceFormulas } from './reduce.js';
import { scatterFormulas } from './scatter.js';
import { shapeFormulas } from './shape.js';
import { sortFormulas } from './sort.js';
import { triangularFormulas } from './triangular.js';
import type { Formula } from './types.js';

export const formulas: Record<string, Formula> = {
  ...pointwiseFormulas,
  ...activationFormulas,
  ...reduceFormulas,
  ...linalgFormulas,
  ...linearFormulas,
  ...shapeFormulas,
  ...indexingFormulas,
  ...convFormulas,
  ...sortFormulas,
  ...cumulativeFormulas,
  ...triangularFormulas,
  ...normFormulas,
  ...scatterFormulas,
};

export { nodeName } from './names.js';
export type { Formula, FormulaContext } from './types.js';
