/**
 * Type tests (run by `pnpm --filter @flint/nn test:types`): a module is callable with exactly the
 * signature of its `forward`, with no generics written by the user.
 */
import { randn, type Tensor } from '@flint/tensor';
import { expectTypeOf } from 'vitest';
import { CrossEntropyLoss, Linear, Module, ReLU, Sequential, type Parameter } from './index.js';

class Net extends Module {
  fc = new Linear(4, 3);
  act = new ReLU();
  override forward(x: Tensor): Tensor {
    return this.act(this.fc(x));
  }
}

class TwoInputs extends Module {
  override forward(x: Tensor, scale: number): { out: Tensor; scale: number } {
    return { out: x.mul(scale), scale };
  }
}

const net = new Net();
const x = randn([2, 4]);

const y: Tensor = net(x);
expectTypeOf(net(x)).toEqualTypeOf<Tensor>();
expectTypeOf(net).parameters.toEqualTypeOf<[x: Tensor]>();
expectTypeOf(net.fc.weight).toEqualTypeOf<Parameter>();
expectTypeOf(net.fc.bias).toEqualTypeOf<Parameter | null>();
// @ts-expect-error: a string is not a Tensor
net('str');
// @ts-expect-error: forward takes one argument
net(x, x);
// @ts-expect-error: the result is a Tensor, not a number
const wrong: number = net(x);

const two = new TwoInputs();
expectTypeOf(two(x, 2)).toEqualTypeOf<{ out: Tensor; scale: number }>();
// @ts-expect-error: missing the second argument
two(x);

// Layers and containers are typed too.
expectTypeOf(new Linear(4, 3)(x)).toEqualTypeOf<Tensor>();
expectTypeOf(new Sequential(new Linear(4, 3), new ReLU())(x)).toEqualTypeOf<Tensor>();
expectTypeOf(new CrossEntropyLoss()(x, x)).toEqualTypeOf<Tensor>();
// @ts-expect-error: a loss takes input and target
new CrossEntropyLoss()(x);

// Hooks see the module's own argument and output types.
net.registerForwardHook((_m, args, out) => {
  expectTypeOf(args).toEqualTypeOf<[x: Tensor]>();
  expectTypeOf(out).toEqualTypeOf<Tensor>();
});

// Any module fits where a Module is expected; then calls are untyped, as in PyTorch.
const generic: Module = net;
expectTypeOf(generic.namedParameters()).toEqualTypeOf<[string, Parameter][]>();

void y;
void wrong;
