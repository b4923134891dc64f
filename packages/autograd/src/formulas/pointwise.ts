/**
 * Backward formulas of the elementwise ops (`torch/csrc/autograd/FunctionsManual.cpp` and
 * `derivatives.yaml`): broadcasting binary ops reduce their gradients back to each input's shape.
 */
import { logicalAnd, where, zeros, type Tensor } from '@flint/tensor';
import { attrs, type Formula, type FormulaContext } from './types.js';
import { each, sumToShape } from './util.js';

/** A binary op's formula from its two unreduced gradients (each already masked to the inputs that need it). */
function binary(f: (g: Tensor, x: () => Tensor, y: () => Tensor, ctx: FormulaContext) => [() => Tensor, () => Tensor]): Formula {
  return (ctx, [g]) => {
    const [gx, gy] = f(g!, () => ctx.input(0), () => ctx.input(1), ctx);
    return each(
      ctx,
      () => sumToShape(gx(), ctx.inputShapes[0]!),
      () => sumToShape(gy(), ctx.inputShapes[1]!),
    );
  };
}

/** A unary op's formula: `dx = f(g, ...)`. */
function unary(f: (g: Tensor, ctx: FormulaContext) => Tensor): Formula {
  return (ctx, [g]) => each(ctx, () => f(g!, ctx));
}

/** Weight 1 where `wins`, 1/2 where tied, 0 elsewhere: how `maximum`/`minimum` share a gradient. */
function share(wins: Tensor, ties: Tensor): Tensor {
  return wins.float().add(ties.float().mul(0.5));
}

// PyTorch masks exponent == 0 for the base, and base == 0 with exponent ≥ 0 for the exponent.
const powTensor = binary((g, x, y, ctx) => [
  () => where(y().eq(0), 0, g.mul(y()).mul(x().pow(y().sub(1)))),
  () => g.mul(where(logicalAnd(x().eq(0), y().ge(0)), 0, ctx.output(0).mul(x().log()))),
]);

/**
 * `x.pow(p)` for a number p (MSE's `pow(2)`): p·x^(p-1), with the exponent as recorded (reading
 * the saved exponent tensor would be a synchronous read, which webgpu cannot do once a kernel used it).
 */
const powScalar: Formula = (ctx, [g]) => {
  const { exponent: p } = attrs<{ exponent: number }>(ctx);
  return each(ctx, () => {
    if (p === 0) return zeros(ctx.inputShapes[0]!);
    const x = ctx.input(0);
    return sumToShape(g!.mul(p === 2 ? x : x.pow(p - 1)).mul(p), ctx.inputShapes[0]!);
  });
};

export const pointwiseFormulas: Record<string, Formula> = {
  add: binary((g) => [() => g, () => g]),
  sub: binary((g) => [() => g, () => g.neg()]),
  mul: binary((g, x, y) => [() => g.mul(y()), () => g.mul(x())]),
  // d(x/y)/dy = -x/y²
  div: binary((g, x, y) => [() => g.div(y()), () => g.neg().mul(x()).div(y().mul(y()))]),
  pow: (ctx, grads) => (typeof ctx.attrs['exponent'] === 'number' && !ctx.needsInputGrad[1] ? powScalar(ctx, grads) : powTensor(ctx, grads)),
  maximum: binary((g, x, y) => [() => g.mul(share(x().gt(y()), x().eq(y()))), () => g.mul(share(y().gt(x()), x().eq(y())))]),
  minimum: binary((g, x, y) => [() => g.mul(share(x().lt(y()), x().eq(y()))), () => g.mul(share(y().lt(x()), x().eq(y())))]),
  // clamp: the bounds themselves pass the gradient to x (as PyTorch).
  clampMin: binary((g, x, b) => [() => where(x().ge(b()), g, 0), () => where(x().lt(b()), g, 0)]),
  clampMax: binary((g, x, b) => [() => where(x().le(b()), g, 0), () => where(x().gt(b()), g, 0)]),
  where: (ctx, [g]) => {
    const cond = () => ctx.input(0);
    return each(
      ctx,
      () => null,
      () => sumToShape(where(cond(), g!, 0), ctx.inputShapes[1]!),
      () => sumToShape(where(cond(), 0, g!), ctx.inputShapes[2]!),
    );
  },

  neg: unary((g) => g.neg()),
  // sign(0) = 0: abs has gradient 0 at 0, as PyTorch.
  abs: unary((g, ctx) => g.mul(ctx.input(0).sign())),
  exp: unary((g, ctx) => g.mul(ctx.output(0))),
  log: unary((g, ctx) => g.div(ctx.input(0))),
  log1p: unary((g, ctx) => g.div(ctx.input(0).add(1))),
  expm1: unary((g, ctx) => g.mul(ctx.output(0).add(1))),
  sqrt: unary((g, ctx) => g.div(ctx.output(0).mul(2))),
  // d rsqrt = -1/2 x^(-3/2) = -1/2 out³
  rsqrt: unary((g, ctx) => g.mul(ctx.output(0).pow(3)).mul(-0.5)),
  square: unary((g, ctx) => g.mul(ctx.input(0)).mul(2)),
  reciprocal: unary((g, ctx) => g.neg().mul(ctx.output(0).square())),
  sin: unary((g, ctx) => g.mul(ctx.input(0).cos())),
  cos: unary((g, ctx) => g.neg().mul(ctx.input(0).sin())),
  sign: unary((_, ctx) => zeros(ctx.inputShapes[0]!)),
  floor: unary((_, ctx) => zeros(ctx.inputShapes[0]!)),
  ceil: unary((_, ctx) => zeros(ctx.inputShapes[0]!)),
  round: unary((_, ctx) => zeros(ctx.inputShapes[0]!)),
  // A dtype conversion passes the gradient through, cast back to the input's (float) dtype.
  cast: unary((g, ctx) => g.to(ctx.inputDtypes[0]!)),
  clone: unary((g) => g),
};
