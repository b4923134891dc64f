import { Module } from '@flint/nn';
import { describe, expect, it } from 'vitest';
import * as vision from './index.js';
import { BatchNorm2d, Conv2d, transforms } from './index.js';

const moduleClasses = Object.entries(vision).filter(
  (e): e is [string, typeof Module] => typeof e[1] === 'function' && e[1].prototype instanceof Module,
);
const transformClasses = Object.entries(transforms).filter(
  (e): e is [string, typeof transforms.ImageTransform] => typeof e[1] === 'function' && e[1].prototype instanceof transforms.ImageTransform,
);

describe('layer and transform names survive minification', () => {
  it('every exported layer and transform carries its name as its own static className', () => {
    expect(moduleClasses.length).toBeGreaterThan(15);
    expect(transformClasses.length).toBeGreaterThan(5);
    for (const [name, cls] of [...moduleClasses, ...transformClasses]) {
      if (name === '_BatchNorm') continue; // abstract
      expect(Object.getOwnPropertyDescriptor(cls, 'className')?.value, name).toBe(name);
    }
  });

  it('prints them with every class renamed as a minifier does', () => {
    const classes = [...moduleClasses, ...transformClasses].map(([, c]) => c as { name: string });
    const saved = classes.map((c) => Object.getOwnPropertyDescriptor(c, 'name')!);
    classes.forEach((c) => Object.defineProperty(c, 'name', { value: 'Zj', configurable: true }));
    try {
      expect(Conv2d.name).toBe('Zj');
      expect(String(new Conv2d(3, 4, 3))).toBe('Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))');
      expect(String(new BatchNorm2d(4))).toBe('BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
      expect(String(new transforms.Normalize([0.5], [0.25]))).toBe('Normalize(mean=[0.5], std=[0.25])');
    } finally {
      classes.forEach((c, i) => Object.defineProperty(c, 'name', saved[i]!));
    }
  });
});
