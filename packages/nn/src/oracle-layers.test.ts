/**
 * PyTorch oracle cases for the smaller layers and functions: activations (module and `F` form),
 * the option-taking losses, `F.pad` in every mode, `F.normalize`, `F.cosineSimilarity`,
 * `utils.rnn.padSequence`, `F.oneHot`, `GroupNorm` and `Embedding`. Each kind runs the project's
 * cases (scripts/fixtures/oracle_nn_misc.py → tests/oracle/nn-misc/) and the shared oracle's; how
 * each is called and compared is in tests/oracle-layer-calls.ts, which @flint/webgpu's runner
 * uses too.
 */
import { describe, it } from 'vitest';
import './index.js';
import { oracleCases } from '../../../tests/oracle-cases.js';
import { LAYER_CHECKS } from '../../../tests/oracle-layer-calls.js';

/** One test per case of these kinds, in this order. */
function cases(...kinds: string[]): void {
  for (const kind of kinds) for (const c of oracleCases(kind)) it(c.name, () => LAYER_CHECKS[kind]!(c));
}

describe('oracle: activations (module and F)', () => cases('activation'));
describe('oracle: losses with options (module and F)', () => cases('loss_module'));
describe('oracle: F.pad', () => cases('pad'));
describe('oracle: F.normalize, F.cosineSimilarity', () => cases('normalize', 'cosine_similarity'));
describe('oracle: utils.rnn.padSequence, F.oneHot', () => cases('pad_sequence', 'one_hot'));
describe('oracle: GroupNorm, Embedding', () => cases('group_norm', 'embedding'));
