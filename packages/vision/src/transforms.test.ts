import { arange, manualSeed, randn, tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { F } from './index.js';
import { CenterCrop, Compose, Normalize, RandomCrop, RandomHorizontalFlip, RandomResizedCrop, Resize, ToTensor, compose, normalize, toTensor } from './transforms.js';

describe('transforms', () => {
  it('toTensor scales 0..255 to 0..1 and adds the channel dim, for one image or a batch', () => {
    const img = tensor([[0, 255], [51, 102]]);
    const out = toTensor()(img);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(Array.from(out.dataSync())).toEqual([0, 1, Math.fround(0.2), Math.fround(0.4)]);
    expect(toTensor()(tensor(Int32Array.of(0, 255, 0, 255), { shape: [2, 1, 2] })).shape).toEqual([2, 1, 1, 2]);
  });

  it('normalize subtracts the mean and divides by the std per channel', () => {
    const x = tensor([[[1, 3]], [[10, 20]]]); // [C=2, H=1, W=2]
    const out = normalize([1, 10], [2, 10])(x);
    expect(out.tolist()).toEqual([[[0, 1]], [[0, 1]]]);
    const batch = normalize(0.5, 0.5)(tensor([[[[0, 1]]], [[[0.5, 1]]]]));
    expect(batch.tolist()).toEqual([[[[-1, 1]]], [[[0, 1]]]]);
  });

  it('normalize names what is wrong', () => {
    expect(() => normalize([0.5], [0])).toThrow(/std evaluated to zero/);
    expect(() => normalize([0.1, 0.2, 0.3], [1])(tensor([[[1]], [[2]]]))).toThrow('Normalize: mean has 3 values but the image has 2 channels (shape [2, 1, 1])');
    expect(() => normalize(0, 1)(tensor([1, 2]))).toThrow(/tensor image of size \(\.\.\., C, H, W\)/);
  });

  it('compose chains in order', () => {
    const t = compose([toTensor(), normalize([0.5], [0.5])]);
    expect(t(tensor([[0, 255]])).tolist()).toEqual([[[-1, 1]]]);
    expect(() => compose([toTensor(), 3 as never])).toThrow('Compose: transform 1 is not a function (got number)');
  });
});

describe('transform classes', () => {
  it('are callable and print as torchvision', () => {
    const t = new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]);
    expect(t(tensor([[0, 255]])).shape).toEqual([1, 1, 2]);
    expect(String(t)).toBe('Compose(\n    ToTensor()\n    Normalize(mean=[0.1307], std=[0.3081])\n)');
    expect(String(new Resize(32))).toBe('Resize(size=32, interpolation=bilinear, max_size=None, antialias=None)');
    expect(String(new CenterCrop(4))).toBe('CenterCrop(size=(4, 4))');
    expect(String(new RandomCrop(32, { padding: 4 }))).toBe('RandomCrop(size=(32, 32), padding=4)');
    expect(String(new RandomHorizontalFlip())).toBe('RandomHorizontalFlip(p=0.5)');
    expect(String(new RandomResizedCrop(8))).toBe('RandomResizedCrop(size=(8, 8), scale=(0.08, 1.0), ratio=(0.75, 1.3333), interpolation=bilinear), antialias=None)');
    expect(typeof new ToTensor()).toBe('function');
    expect(new ToTensor()).toBeInstanceOf(ToTensor);
  });

  it('Resize matches the shorter edge, or resizes to [h, w], bilinearly as F.interpolate', () => {
    const x = randn([3, 4, 6]);
    expect(new Resize(2)(x).shape).toEqual([3, 2, 3]);
    expect(new Resize([5, 5])(x).shape).toEqual([3, 5, 5]);
    expect(new Resize(8, { maxSize: 10 })(x).shape).toEqual([3, 6, 10]);
    const ref = F.interpolate(x.unsqueeze(0), { size: [2, 3], mode: 'bilinear', alignCorners: false }).squeeze(0);
    expect(new Resize(2)(x).sub(ref).abs().max().item()).toBe(0);
    expect(new Resize(2, { interpolation: 'nearest' })(x).shape).toEqual([3, 2, 3]);
  });

  it('CenterCrop takes the centre with Python rounding and pads small images', () => {
    const x = arange(25).float().reshape([1, 5, 5]);
    expect(new CenterCrop(3)(x).tolist()).toEqual([[[6, 7, 8], [11, 12, 13], [16, 17, 18]]]);
    expect(new CenterCrop([2, 4])(x).tolist()).toEqual([[[10, 11, 12, 13], [15, 16, 17, 18]]]);
    expect(new CenterCrop(3)(tensor([[[1]]])).tolist()).toEqual([[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]);
  });

  it('random transforms repeat under manualSeed', () => {
    const x = randn([3, 8, 8]);
    const run = () => {
      manualSeed(7);
      return [new RandomCrop(5, { padding: 1 })(x), new RandomHorizontalFlip()(x), new RandomResizedCrop(4)(x)].map((t) => t.tolist());
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(new RandomCrop(5, { padding: 1 })(x).shape).toEqual([3, 5, 5]);
    expect(new RandomResizedCrop([4, 6])(x).shape).toEqual([3, 4, 6]);
    expect(new RandomHorizontalFlip(1)(x).tolist()).toEqual(x.flip([-1]).tolist());
    expect(new RandomHorizontalFlip(0)(x)).toBe(x);
    expect(() => new RandomCrop(9)(x)).toThrow('Required crop size (9, 9) is larger than input image size (8, 8)');
    expect(new RandomCrop(9, { padIfNeeded: true })(x).shape).toEqual([3, 9, 9]);
  });

  it('RandomResizedCrop draws crops inside the image with the asked area and ratio', () => {
    manualSeed(8);
    const t = new RandomResizedCrop(4, { scale: [0.25, 0.5], ratio: [1, 1] });
    for (let i = 0; i < 20; i++) {
      const [top, left, h, w] = t.getParams(20, 30);
      expect(h).toBe(w);
      expect(h * w).toBeGreaterThanOrEqual(0.25 * 600 - 40);
      expect(h * w).toBeLessThanOrEqual(0.5 * 600 + 40);
      expect(top + h).toBeLessThanOrEqual(20);
      expect(left + w).toBeLessThanOrEqual(30);
    }
  });
});
