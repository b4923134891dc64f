import { afterAll, describe, expect, it } from 'vitest';
import * as nn from './index.js';
import { Linear, LSTM, Module, MultiheadAttention, ReLU, Sequential } from './index.js';

/** The exported classes derived from Module, by export name. */
const moduleClasses = Object.entries(nn).filter(
  (e): e is [string, typeof Module] => typeof e[1] === 'function' && e[1].prototype instanceof Module,
);
/** Abstract bases: never instantiated, so never printed. */
const abstract = new Set(['RNNBase', 'RNNCellBase']);

describe('module names survive minification', () => {
  it('every exported layer carries its PyTorch name as its own static className', () => {
    expect(moduleClasses.length).toBeGreaterThan(40);
    for (const [name, cls] of moduleClasses) {
      if (abstract.has(name)) continue;
      expect(Object.getOwnPropertyDescriptor(cls, 'className')?.value, name).toBe(name);
    }
    expect(Module.className).toBe('Module');
  });

  describe('with every class renamed as a minifier does', () => {
    const saved = new Map<typeof Module, PropertyDescriptor>();
    for (const [, cls] of [['Module', Module] as const, ...moduleClasses]) {
      saved.set(cls, Object.getOwnPropertyDescriptor(cls, 'name')!);
      Object.defineProperty(cls, 'name', { value: 'Zj', configurable: true });
    }
    afterAll(() => {
      for (const [cls, d] of saved) Object.defineProperty(cls, 'name', d);
    });

    it('String(module) prints PyTorch names', () => {
      expect(Linear.name).toBe('Zj');
      expect(String(new Sequential(new Linear(4, 2), new ReLU()))).toBe(
        'Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n  (1): ReLU()\n)',
      );
      expect(String(new MultiheadAttention(8, 2))).toBe(
        'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)',
      );
      expect(String(new LSTM(3, 4))).toBe('LSTM(3, 4)');
    });
  });

  it("a user's subclass prints its class name, or the className it gives itself", () => {
    class Net extends Module {
      fc = new Linear(2, 1);
      forward(x: nn.Parameter) {
        return this.fc(x);
      }
    }
    class MyLinear extends Linear {}
    class Named extends Net {
      static override readonly className = 'Perceptron';
    }
    expect(String(new Net())).toBe('Net(\n  (fc): Linear(in_features=2, out_features=1, bias=True)\n)');
    expect(String(new MyLinear(2, 1))).toBe('MyLinear(in_features=2, out_features=1, bias=True)');
    expect(String(new Named()).split('\n')[0]).toBe('Perceptron(');
  });
});
