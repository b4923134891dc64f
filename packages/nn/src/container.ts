/** Containers: `Sequential`, `ModuleList`, `ModuleDict` (`torch.nn.Sequential`, …). */
import type { Tensor } from '@flint/tensor';
import { Module } from './module.js';

/** Resolves a possibly negative index into `[0, n)`, or throws PyTorch's `IndexError`. */
function absIndex(i: number, n: number, name: string): number {
  if (!Number.isInteger(i)) throw new TypeError(`${name} indices must be integers, not ${typeof i}`);
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) throw new RangeError(`index ${i} is out of range`);
  return j;
}

/** Re-registers `modules` as children `0`, `1`, … (after an insert or a delete). */
function renumber(m: Module, modules: Module[]): void {
  for (const key of [...m._modules.keys()]) delete (m as unknown as Record<string, unknown>)[key];
  modules.forEach((child, i) => m.addModule(String(i), child));
}

/**
 * What `Sequential` and `ModuleList` share: children named `0`, `1`, … in order, indexable
 * (`at(-1)`, `[0]`), iterable, with `length`, `append`, `extend`, `insert` and `pop`.
 */
abstract class ModuleSequence extends Module {
  readonly [index: number]: Module;

  /** @internal The class name in index errors (`Sequential indices must be integers`). */
  protected abstract get _kind(): string;

  /** The number of children (`len(seq)`). */
  override get length(): number {
    return this._modules.size;
  }

  /** The child at position `index` (negative counts from the end): `seq[index]`. */
  at(index: number): Module {
    return [...this._modules.values()][absIndex(index, this.length, this._kind)]!;
  }

  /** Same as `at`. */
  get(index: number): Module {
    return this.at(index);
  }

  /** Appends a module at the end (named by its position) and returns this. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules`. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before position `index`. */
  insert(index: number, module: Module): this {
    const list = [...this];
    list.splice(index < 0 ? index + list.length : index, 0, module);
    renumber(this, list);
    return this;
  }

  /** Removes and returns the child at `index` (default last); the rest are renumbered. */
  pop(index = -1): Module {
    const list = [...this];
    const [m] = list.splice(absIndex(index, list.length, this._kind), 1);
    renumber(this, list);
    return m!;
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m) yield m;
  }
}

/**
 * `torch.nn.Sequential(*modules)`: calls its children in order, each on the previous output.
 * Children are named `0`, `1`, … (or by the keys of a `Map` / plain object), so state-dict keys
 * are `0.weight`, `2.bias`, … as PyTorch. Indexable (`seq.at(-1)`, `seq[0]`), iterable, `length`.
 *
 * ```ts
 * const mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * ```
 */
export class Sequential extends ModuleSequence {
  static override readonly className: string = 'Sequential';
  protected override get _kind(): string {
    return 'Sequential';
  }

  constructor(...modules: Module[] | [Map<string, Module> | Record<string, Module>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && !(first instanceof Module)) {
      const entries = first instanceof Map ? [...first] : Object.entries(first as Record<string, Module>);
      for (const [name, m] of entries) this.addModule(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => this.addModule(String(i), m));
    }
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this) x = m(x);
    return x;
  }

  /** A new `Sequential` of children `start` to `end` (exclusive), sharing them: `seq[start:end]`. */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(...[...this].slice(start, end));
  }
}

/**
 * `torch.nn.ModuleList(modules=None)`: a list of submodules, registered as `0`, `1`, … Use it
 * instead of a plain array, whose modules would not be registered. It has no `forward`.
 */
export class ModuleList extends ModuleSequence {
  static override readonly className: string = 'ModuleList';
  protected override get _kind(): string {
    return 'ModuleList';
  }

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** Replaces the module at `index` (`ml[i] = m`). */
  set(index: number, module: Module): this {
    this.addModule(String(absIndex(index, this.length, this._kind)), module);
    return this;
  }
}

/**
 * `torch.nn.ModuleDict(modules=None)`: submodules by name, in insertion order; iterating yields
 * the keys, as a Python dict. It has no `forward`.
 */
export class ModuleDict extends Module {
  static override readonly className: string = 'ModuleDict';
  constructor(modules: Map<string, Module> | Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  override get length(): number {
    return this._modules.size;
  }

  get(key: string): Module | undefined {
    return this._modules.get(key) ?? undefined;
  }

  set(key: string, module: Module): this {
    this.addModule(key, module);
    return this;
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes `key` and returns its module (`pop`). */
  pop(key: string): Module {
    const m = this._modules.get(key);
    if (!m) throw new RangeError(`ModuleDict: no key '${key}'`);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  keys(): string[] {
    return [...this._modules.keys()];
  }

  values(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  entries(): [string, Module][] {
    return [...this._modules].filter((e): e is [string, Module] => e[1] !== null);
  }

  update(modules: Map<string, Module> | Record<string, Module> | Iterable<[string, Module]>): this {
    const entries = modules instanceof Map || Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.addModule(k, m);
    return this;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    yield* this._modules.keys();
  }
}
