/**
 * Flint's seeded random generator (`torch.manual_seed`, `torch.Generator`). Numbers are drawn in
 * JS and uploaded, so a seed gives the same tensors on every backend and every run (not the same
 * numbers as PyTorch's Mersenne Twister).
 */

/** xoshiro128** with splitmix32 seeding: fast, 128-bit state, good statistical quality. */
export class Generator {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;
  private initialSeed_ = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the state from `seed` (an integer); returns this. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new TypeError(`manualSeed: seed must be a finite number, got ${seed}`);
    this.initialSeed_ = seed;
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spareNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.initialSeed_;
  }

  /** The next 32 random bits. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits (exactly representable in float32). */
  random(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Standard normal by Box–Muller. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** The state, to save and restore (`get_state` / `set_state`). */
  getState(): number[] {
    return [...this.s, this.spareNormal ?? Number.NaN];
  }
  setState(state: readonly number[]): void {
    for (let i = 0; i < 4; i++) this.s[i] = state[i]! >>> 0;
    this.spareNormal = Number.isNaN(state[4]) ? null : state[4]!;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The default generator used by every random function and module initialisation. */
export const defaultGenerator = new Generator(0x5eed);

/** Seeds the default generator (`torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function fillUniform(n: number, low = 0, high = 1, gen = defaultGenerator): Float32Array {
  const out = new Float32Array(n);
  const span = high - low;
  for (let i = 0; i < n; i++) out[i] = low + span * gen.random();
  return out;
}

export function fillNormal(n: number, mean = 0, std = 1, gen = defaultGenerator): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + std * gen.normal();
  return out;
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, gen = defaultGenerator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = gen.randint(0, i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
