/** For tests: a stand-in autograd engine that logs what ops record, without any backward. */
import { beforeAll } from 'vitest';
import { registerAutogradEngine } from '../graph-hooks.js';
import type { Tensor } from '../tensor.js';

export interface Recorded {
  op: string;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  attrs: Readonly<Record<string, unknown>>;
}

/** Every `record(...)` call since the last reset; outputs are marked `requiresGrad` so ops keep recording. */
export const log: Recorded[] = [];

/** Registers the logging engine before the file's tests run. */
export function recordOps(): void {
  beforeAll(() => {
    registerAutogradEngine({
      record(op, inputs, outputs, attrs) {
        log.push({ op, inputs, outputs, attrs });
        for (const o of outputs) o.requiresGrad = true;
      },
      backward() {},
      retainGrad() {},
    });
  });
}

/** The ops (name and attrs) that `fn` records. */
export function recorded(fn: () => unknown): { op: string; attrs: Readonly<Record<string, unknown>> }[] {
  log.length = 0;
  fn();
  return log.map(({ op, attrs }) => ({ op, attrs }));
}
