/**
 * Every vision case of the PyTorch oracles (the project's `tests/oracle/**` and the shared
 * `../shared/oracle`): load the state dict, run the module (or the functional call) in train mode,
 * compare the output(s), backward `sum(output_i · grad_output_i)` and compare every gradient, the
 * buffers after the call (running stats) and the eval-mode output — as tests/oracle-vision-calls.ts
 * says, which @flint/webgpu's runner uses too. The `seed_basic_block` case is the seed's
 * hand-written block, which lives in `apps/seed` and is checked there the same way.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resnet18 } from './index.js';
import { ORACLES, readJson } from './test-utils/compare.js';
import { oracleCases } from '../../../tests/oracle-cases.js';
import { checkVisionCase, VISION_KINDS } from '../../../tests/oracle-vision-calls.js';

const cases = oracleCases(...VISION_KINDS);

describe('vision layers match the PyTorch oracle', () => {
  it.each(VISION_KINDS)('%s has cases', (kind) => {
    expect(cases.some((c) => c.kind === kind)).toBe(true);
  });

  for (const c of cases) it(c.name, () => checkVisionCase(c));
});

describe('resnet18', () => {
  const withShapes = ORACLES.filter((o) => existsSync(new URL('resnet18_state_dict_shapes.json', o.dir)));
  it.each(withShapes.map((o) => [o.label, o.dir] as const))('has torchvision state-dict keys, order and shapes (%s)', (_label, dir) => {
    const expected = readJson<Record<string, number[]>>(new URL('resnet18_state_dict_shapes.json', dir));
    const sd = resnet18({ numClasses: 10 }).stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(expected));
    for (const [k, shape] of Object.entries(expected)) expect([...sd[k]!.shape], k).toEqual(shape);
  });
});
