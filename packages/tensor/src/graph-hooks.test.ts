import { describe, expect, it } from 'vitest';
import { maxPool2d, randn, setOpTracer, type OpTracer, type Tensor } from './index.js';
import { withGradMode } from './grad-mode.js';

/** Collects what ops report to the op tracer while `fn` runs. */
function trace(fn: () => void): { op: string; inputs: readonly Tensor[]; outputs: readonly Tensor[]; attrs: Readonly<Record<string, unknown>> }[] {
  const seen: ReturnType<typeof trace> = [];
  const tracer: OpTracer = { op: (op, inputs, outputs, attrs) => void seen.push({ op, inputs, outputs, attrs }) };
  const previous = setOpTracer(tracer);
  try {
    fn();
  } finally {
    expect(setOpTracer(previous)).toBe(tracer);
  }
  return seen;
}

describe('op tracer', () => {
  it('sees recorded ops with their inputs, outputs and attrs, without grad', () => {
    const x = randn([2, 3]);
    let y!: Tensor;
    const seen = withGradMode(false, () => trace(() => (y = x.add(1).sum(1))));
    expect(seen.map((s) => s.op)).toEqual(['add', 'sum']);
    expect(seen[0]!.inputs[0]).toBe(x);
    expect(seen[1]!.outputs[0]).toBe(y);
    expect(seen[1]!.attrs).toEqual({ dims: [1], keepdim: false });
  });
  it('makes ops take their recorded path (maxPool2d reports itself)', () => {
    const seen = withGradMode(false, () => trace(() => maxPool2d(randn([1, 1, 4, 4]), 2)));
    expect(seen.map((s) => s.op)).toEqual(['maxPool2d']);
    expect(seen[0]!.outputs).toHaveLength(2);
  });
  it('is off by default', () => {
    expect(setOpTracer(null)).toBe(null);
  });
});
