/**
 * For tests of every package: the check of every oracle kind, by kind — the same functions the
 * per-area runners call (tests/oracle-*-calls.ts), written with asynchronous reads so that they
 * run on every backend. @flint/webgpu's runner loops over them.
 */
import type { OracleCase } from './oracle-cases.js';
import { LAYER_CHECKS } from './oracle-layer-calls.js';
import { NN_CHECKS } from './oracle-nn-calls.js';
import { OPTIM_CHECKS } from './oracle-optim-calls.js';
import { SEQUENCE_CHECKS } from './oracle-sequence-calls.js';
import { TENSOR_OP_CHECKS } from './oracle-tensor-op-calls.js';
import { VISION_CHECKS } from './oracle-vision-calls.js';

export const ORACLE_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = {
  ...NN_CHECKS,
  ...LAYER_CHECKS,
  ...VISION_CHECKS,
  ...SEQUENCE_CHECKS,
  ...OPTIM_CHECKS,
  ...TENSOR_OP_CHECKS,
};

/** Kinds of the oracle folders checked elsewhere: the seed's hand-written block lives in apps/seed, and its test checks it. */
export const CHECKED_ELSEWHERE: Record<string, string> = { seed_basic_block: 'apps/seed/src/residual-block.test.ts' };
