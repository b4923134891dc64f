/// <reference lib="esnext.disposable" preserve="true" />
// The declarations use `Symbol.dispose` (`using`): consumers get that lib with them.
/**
 * `Module`: the base class of every layer and model (`torch.nn.Module`).
 *
 * How it works, in one place:
 *
 * - **Callable instances.** The constructor returns a `Proxy` around a function whose prototype is
 *   the subclass's prototype, so `model(x)` calls the module (hooks + `forward`) while `model.fc`,
 *   `model.train()` and `instanceof` behave as for any object. TypeScript sees the call through
 *   the merged interface below: `(...args: Parameters<this['forward']>) => ReturnType<this['forward']>`,
 *   where `this` is the subclass, so `net(x)` is typed from `Net.forward` with no generics.
 * - **Registration.** The proxy's `set` / `defineProperty` traps see every assignment to `this.x`,
 *   including class-field initialisers (which run after `super()` returns the proxy). A
 *   `Parameter` lands in `_parameters`, a `Module` in `_modules`, and a tensor assigned to a name
 *   registered with `registerBuffer` in `_buffers`, in assignment order, as PyTorch's
 *   `__setattr__`. A field cannot be assigned before `super()` (JS forbids `this` there), so
 *   nothing escapes registration. What PyTorch silently leaves unregistered, a parameter or
 *   module inside a plain array or object (`this.layers = [new Linear(2, 2)]`), is refused with
 *   an error naming `ModuleList` / `ModuleDict`. A field declared without initialiser in a subclass
 *   (`weight!: Parameter`, which JS defines as `undefined`) leaves a registered slot alone; prefer
 *   `declare weight: Parameter`.
 * - **Memory.** Parameters and buffers are exempt from `scope()` (`keep()`). A replaced parameter
 *   or buffer is not disposed: an autograd graph or the program may still hold it, and its memory
 *   goes when nothing refers to it (docs/memory.md). A dropped model is freed the same way;
 *   `dispose()` (or `using`) frees its parameters and buffers at once. An outermost module call
 *   (not nested in another module's `forward`) in eval mode or under `noGrad` is a step boundary
 *   (`tick()`) unless a recorded graph still waits for its backward; in training, `backward()`
 *   ticks. A step boundary only moves memory, never invalidates a tensor.
 */
import { noGrad } from '@flint/autograd';
import { Tensor, graphPending, isGradEnabled, tick } from '@flint/tensor';
import { bindArgs, boolArg, describeValue, isOptionsObject } from './args.js';
import { Parameter } from './parameter.js';
import { shapeStr, typeName } from './repr.js';

/** The function object behind each module proxy (fields are defined on it without the traps), and back. */
const rawTarget = new WeakMap<object, object>();
const proxies = new WeakMap<object, Module>();

/** Returned by `register*Hook`: `remove()` unregisters the hook (`RemovableHandle`). */
export interface RemovableHandle {
  readonly id: number;
  remove(): void;
}

/** A forward pre-hook: may return replacement arguments (an array; a single value is wrapped). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: Parameters<M['forward']>) => Parameters<M['forward']> | void;
/** A forward hook: sees the arguments and the output; may return a replacement output. */
export type ForwardHook<M extends Module = Module> = (
  module: M,
  args: Parameters<M['forward']>,
  output: ReturnType<M['forward']>,
) => ReturnType<M['forward']> | void;

/** What `loadStateDict` reports (`_IncompatibleKeys`). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export interface NamedMembersOptions {
  /** Prepended to every name, with a dot. */
  prefix?: string;
  /** Include submodules (default `true`). */
  recurse?: boolean;
  /** List a tensor (or module) reachable under two names once (default `true`). */
  removeDuplicate?: boolean;
}

type AnyHook = (...args: any[]) => unknown;

/**
 * What `loadStateDict` accepts: an object of name → tensor (plain or prototype-less, as
 * `stateDict()` and `load()` return), or a `Map`.
 */
export type StateDictLike = Record<string, Tensor> | ReadonlyMap<string, Tensor>;

/** Binds `(prefix?, recurse?, removeDuplicate?)` or `{ prefix, recurse, removeDuplicate }`. */
function membersArgs(op: string, args: readonly unknown[]): NamedMembersOptions {
  const a = bindArgs(op, args, ['prefix', 'recurse', 'removeDuplicate']);
  if (a.prefix !== undefined && typeof a.prefix !== 'string') throw new TypeError(`${op}: prefix must be a string (got ${describeValue(a.prefix)})`);
  return {
    prefix: (a.prefix as string | undefined) ?? '',
    recurse: boolArg(op, 'recurse', a.recurse, true),
    removeDuplicate: boolArg(op, 'removeDuplicate', a.removeDuplicate, true),
  };
}

/** Binds `(recurse?)` or `{ recurse }`. */
function recurseArg(op: string, args: readonly unknown[]): boolean {
  return boolArg(op, 'recurse', bindArgs(op, args, ['recurse']).recurse, true);
}

/**
 * The call signature of every module: `model(...args)` takes what `forward` takes and returns what
 * it returns. Merged with the class below.
 */
export interface Module {
  (...args: Parameters<this['forward']>): ReturnType<this['forward']>;
}

/**
 * `torch.nn.Module`. Subclass it, assign layers and parameters to fields, write `forward`:
 *
 * ```ts
 * class Net extends Module {
 *   fc = new Linear(4, 3);
 *   forward(x: Tensor): Tensor {
 *     return this.fc(x).relu();
 *   }
 * }
 * const net = new Net();
 * const y = net(randn([2, 4])); // Tensor [2, 3]
 * ```
 *
 * Printing (`String(net)`) names each module by its class's own static `className`, falling back
 * to the JavaScript class name. A minifier renames classes, so a model that is printed from a
 * minified bundle names itself: `static override readonly className = 'Net';` (each built-in
 * layer carries its PyTorch name this way; a subclass does not inherit it).
 */
export class Module {
  /**
   * The name `String(module)` and error messages print (PyTorch's `type(module).__name__`), read
   * only from the class's own static property, never inherited; when a class has none, its
   * JavaScript `constructor.name`.
   */
  static readonly className: string = 'Module';
  /** Training mode (default `true`); `train()` / `eval()` set it on the whole tree. */
  declare training: boolean;
  /** @internal */ declare readonly _parameters: Map<string, Parameter | null>;
  /** @internal */ declare readonly _buffers: Map<string, Tensor | null>;
  /** @internal */ declare readonly _nonPersistentBuffers: Set<string>;
  /** @internal */ declare readonly _modules: Map<string, Module | null>;
  /** @internal */ declare readonly _forwardPreHooks: Map<number, AnyHook>;
  /** @internal */ declare readonly _forwardHooks: Map<number, AnyHook>;

  constructor() {
    const self = function flintModule(...args: unknown[]): unknown {
      return callModule(proxy, args);
    };
    // A function's own `length` and `name` would shadow fields and getters of that name.
    Reflect.deleteProperty(self, 'length');
    Reflect.deleteProperty(self, 'name');
    Object.setPrototypeOf(self, new.target.prototype);
    const hidden = (key: string, value: unknown) =>
      Object.defineProperty(self, key, { value, writable: false, enumerable: false, configurable: false });
    hidden('_parameters', new Map());
    hidden('_buffers', new Map());
    hidden('_nonPersistentBuffers', new Set());
    hidden('_modules', new Map());
    hidden('_forwardPreHooks', new Map());
    hidden('_forwardHooks', new Map());
    Object.defineProperty(self, 'training', { value: true, writable: true, enumerable: false, configurable: false });
    const proxy = new Proxy(self as unknown as Module, registrationTraps);
    rawTarget.set(proxy, self);
    proxies.set(self, proxy);
    return proxy as this;
  }

  /**
   * The computation (`forward`). Call the module (`model(x)`) rather than `forward` so that hooks
   * run; `model.forward(x)` skips them, as in PyTorch.
   */
  forward(...args: any[]): any {
    void args;
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  // ---- registration ---------------------------------------------------------------------------

  /** `register_parameter(name, param)`: `null` registers an absent parameter (e.g. no bias). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(this, name, 'parameter', this._parameters);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${typeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    putParameter(this, name, param);
  }

  /**
   * `register_buffer(name, tensor, persistent=True)`: state that is not a parameter (running
   * statistics). Persistent buffers are part of `stateDict()`. The tensor is kept alive.
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent?: boolean | { persistent?: boolean }): void;
  registerBuffer(name: string, tensor: Tensor | null, ...args: unknown[]): void {
    const persistent = boolArg('registerBuffer', 'persistent', bindArgs('registerBuffer', args, ['persistent']).persistent, true);
    checkName(this, name, 'buffer', this._buffers);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`cannot assign '${typeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    dropSlot(this, this._parameters, name);
    this._modules.delete(name);
    if (persistent) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
    setSlot(this, this._buffers, name, tensor);
  }

  /** `add_module(name, module)`: registers a child; `null` registers an absent one. */
  addModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typeName(module)} is not a Module subclass`);
    checkName(this, name, 'module', this._modules);
    putModule(this, name, module);
  }

  /** Alias of `addModule` (`register_module`). */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  // ---- traversal ------------------------------------------------------------------------------

  /**
   * `named_modules(memo=None, prefix='', remove_duplicate=True)`: this module (name `prefix`) and
   * all below it, depth first. `memo` (a `Set`) lists modules to skip, as PyTorch's.
   */
  namedModules(options?: { memo?: Set<Module> | null; prefix?: string; removeDuplicate?: boolean }): [string, Module][];
  namedModules(memo?: Set<Module> | null, prefix?: string, removeDuplicate?: boolean | { removeDuplicate?: boolean }): [string, Module][];
  namedModules(...args: unknown[]): [string, Module][] {
    const op = 'namedModules';
    const a = bindArgs(op, args, ['memo', 'prefix', 'removeDuplicate']);
    if (a.memo !== undefined && a.memo !== null && !(a.memo instanceof Set)) throw new TypeError(`${op}: memo must be a Set of modules (got ${describeValue(a.memo)})`);
    if (a.prefix !== undefined && typeof a.prefix !== 'string') throw new TypeError(`${op}: prefix must be a string (got ${describeValue(a.prefix)})`);
    const options = { prefix: a.prefix as string | undefined };
    const out: [string, Module][] = [];
    const memo = (a.memo as Set<Module> | null | undefined) ?? new Set<Module>();
    const removeDuplicate = boolArg(op, 'removeDuplicate', a.removeDuplicate, true);
    const visit = (m: Module, prefix: string) => {
      if (removeDuplicate) {
        if (memo.has(m)) return;
        memo.add(m);
      }
      out.push([prefix, m]);
      for (const [name, child] of m._modules) if (child) visit(child, prefix ? `${prefix}.${name}` : name);
    };
    visit(this, options.prefix ?? '');
    return out;
  }

  /** `modules()`: this module and all below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** `named_children()`: the direct submodules, in registration order. */
  namedChildren(): [string, Module][] {
    const memo = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) {
      if (m && !memo.has(m)) {
        memo.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  /** `children()`. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * `named_parameters(prefix='', recurse=True, remove_duplicate=True)`: dotted names
   * (`layer1.weight`); a shared parameter once.
   */
  namedParameters(options?: NamedMembersOptions): [string, Parameter][];
  namedParameters(prefix?: string, recurse?: boolean, removeDuplicate?: boolean | Pick<NamedMembersOptions, 'removeDuplicate'>): [string, Parameter][];
  namedParameters(...args: unknown[]): [string, Parameter][] {
    return this._namedMembers((m) => m._parameters, membersArgs('namedParameters', args));
  }

  /** `parameters(recurse=True)`: `parameters(false)` is `parameters({ recurse: false })`. */
  parameters(recurse?: boolean | { recurse?: boolean }): Parameter[];
  parameters(...args: unknown[]): Parameter[] {
    return this.namedParameters({ recurse: recurseArg('parameters', args) }).map(([, p]) => p);
  }

  /** `named_buffers(prefix='', recurse=True, remove_duplicate=True)`, persistent or not. */
  namedBuffers(options?: NamedMembersOptions): [string, Tensor][];
  namedBuffers(prefix?: string, recurse?: boolean, removeDuplicate?: boolean | Pick<NamedMembersOptions, 'removeDuplicate'>): [string, Tensor][];
  namedBuffers(...args: unknown[]): [string, Tensor][] {
    return this._namedMembers((m) => m._buffers, membersArgs('namedBuffers', args));
  }

  /** `buffers(recurse=True)`. */
  buffers(recurse?: boolean | { recurse?: boolean }): Tensor[];
  buffers(...args: unknown[]): Tensor[] {
    return this.namedBuffers({ recurse: recurseArg('buffers', args) }).map(([, b]) => b);
  }

  /**
   * Frees the memory of every parameter and buffer of this module and its submodules now (Flint
   * only: a module nothing refers to is freed anyway once the event loop has had a turn). Using
   * the module or its tensors afterwards is an error; tensors shared with another module go too.
   */
  dispose(): void {
    for (const m of this.modules()) m._freeCaches();
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }

  /**
   * @internal Frees what this module keeps beyond its parameters and buffers (e.g. Conv2d's
   * inference fold of a BatchNorm); `dispose()` calls it on the module and every submodule.
   */
  _freeCaches(): void {}

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal PyTorch's `_named_members`. */
  _namedMembers<T extends Tensor>(members: (m: Module) => Map<string, T | null>, options: NamedMembersOptions): [string, T][] {
    const prefix = options.prefix ?? '';
    const removeDuplicate = options.removeDuplicate ?? true;
    const modules: [string, Module][] = (options.recurse ?? true) ? this.namedModules({ prefix, removeDuplicate }) : [[prefix, this]];
    const memo = new Set<T>();
    const out: [string, T][] = [];
    for (const [modulePrefix, m] of modules) {
      for (const [name, t] of members(m)) {
        if (t === null || (removeDuplicate && memo.has(t))) continue;
        memo.add(t);
        out.push([modulePrefix ? `${modulePrefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  /** `get_submodule('layer1.0')`. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let m: Module = this;
    for (const item of target.split('.')) {
      const next = m._modules.get(item);
      if (!next) throw new Error(`${m._getName()} has no attribute \`${item}\``);
      m = next;
    }
    return m;
  }

  /** `get_parameter('layer1.weight')`. */
  getParameter(target: string): Parameter {
    const [path, name] = splitLast(target);
    const m = this.getSubmodule(path);
    const p = m._parameters.get(name);
    if (!p) throw new Error(`${m._getName()} has no parameter \`${name}\``);
    return p;
  }

  /** `get_buffer('bn.running_mean')`. */
  getBuffer(target: string): Tensor {
    const [path, name] = splitLast(target);
    const m = this.getSubmodule(path);
    const b = m._buffers.get(name);
    if (!b) throw new Error(`${m._getName()} has no buffer \`${name}\``);
    return b;
  }

  // ---- modes and gradients --------------------------------------------------------------------

  /** `train(mode=True)`: sets training mode on this module and every submodule. */
  train(mode?: boolean | { mode?: boolean }): this;
  train(...args: unknown[]): this {
    const mode = bindArgs('train', args, ['mode']).mode ?? true;
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `eval()`: same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * `zero_grad(set_to_none=True)`: drops (or, with `setToNone: false`, zeroes in place) the
   * `.grad` of every parameter. The default follows PyTorch 2.x, `set_to_none=True` (PyTorch
   * 1.13's default was `False`); dropping saves memory and a kernel per parameter, and optimizers
   * skip a parameter whose `.grad` is `null`. `zeroGrad(false)` is `zeroGrad({ setToNone: false })`.
   */
  zeroGrad(setToNone?: boolean | { setToNone?: boolean }): void;
  zeroGrad(...args: unknown[]): void {
    const setToNone = boolArg('zeroGrad', 'setToNone', bindArgs('zeroGrad', args, ['setToNone']).setToNone, true);
    for (const p of this.parameters()) {
      if (p._grad === null) continue;
      if (setToNone) p._setGrad(null);
      else noGrad(() => p._grad!.zero_());
    }
  }

  /** `requires_grad_(requires_grad=True)`: sets `requiresGrad` on every parameter. */
  requiresGrad_(requiresGrad?: boolean | { requiresGrad?: boolean }): this;
  requiresGrad_(...args: unknown[]): this {
    const requiresGrad = boolArg('requiresGrad_', 'requiresGrad', bindArgs('requiresGrad_', args, ['requiresGrad']).requiresGrad, true);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** `apply(fn)`: calls `fn` on every submodule (children first), then on this one. */
  apply(fn: (module: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`apply: fn must be a function (got ${describeValue(fn)})`);
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- hooks ----------------------------------------------------------------------------------

  /**
   * `register_forward_pre_hook(hook)`: `hook(module, args)` runs before `forward`; returning an
   * array replaces the arguments (a single non-array value is taken as the only argument).
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return addHook(this._forwardPreHooks, hook as AnyHook);
  }

  /**
   * `register_forward_hook(hook)`: `hook(module, args, output)` runs after `forward`; returning a
   * value replaces the output.
   */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return addHook(this._forwardHooks, hook as AnyHook);
  }

  // ---- state dict -----------------------------------------------------------------------------

  /**
   * `state_dict(destination=None, prefix='', keep_vars=False)`: parameters and persistent buffers
   * under PyTorch's dotted keys, in PyTorch's order. Values are detached tensors holding the
   * current values (`keepVars: true` gives the parameters themselves). A shared parameter appears
   * under each of its names, as in PyTorch. The result is a prototype-less object, so any key
   * (`constructor`, `__proto__`) is an ordinary own key; `destination` fills and returns an object
   * of yours instead.
   */
  stateDict(options: { destination?: Record<string, Tensor> | null; prefix?: string; keepVars?: boolean } = {}): Record<string, Tensor> {
    const op = 'stateDict';
    if (!isOptionsObject(options)) throw new TypeError(`${op}: expected an options object { destination, prefix, keepVars } (got ${describeValue(options)})`);
    const a = bindArgs(op, [options], ['destination', 'prefix', 'keepVars']);
    if (a.prefix !== undefined && typeof a.prefix !== 'string') throw new TypeError(`${op}: prefix must be a string (got ${describeValue(a.prefix)})`);
    if (a.destination !== undefined && a.destination !== null && (typeof a.destination !== 'object' || a.destination instanceof Map)) {
      throw new TypeError(`${op}: destination must be an object (got ${describeValue(a.destination)})`);
    }
    const keepVars = boolArg(op, 'keepVars', a.keepVars, false);
    const out = (a.destination as Record<string, Tensor> | null | undefined) ?? (Object.create(null) as Record<string, Tensor>);
    for (const [key, t] of this._stateEntries((a.prefix as string | undefined) ?? '')) {
      // An own data property whatever the key (`out[key] = …` would set the prototype for `__proto__`).
      Object.defineProperty(out, key, { value: keepVars ? t : t.detach(), writable: true, enumerable: true, configurable: true });
    }
    return out;
  }

  /** @internal Every (key, tensor) of the state dict, module by module, as `_save_to_state_dict`. */
  _stateEntries(prefix: string): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this._parameters) if (p) out.push([prefix + name, p]);
    for (const [name, b] of this._buffers) if (b && !this._nonPersistentBuffers.has(name)) out.push([prefix + name, b]);
    for (const [name, m] of this._modules) if (m) out.push(...m._stateEntries(`${prefix}${name}.`));
    return out;
  }

  /**
   * `load_state_dict(state_dict, strict=True)`: copies values into the existing parameters and
   * buffers, in place (`copy_` under no-grad), so optimizers holding them see the new values.
   * `stateDict` is an object (plain or prototype-less: only its own keys count, so `__proto__` or
   * `constructor` are keys like any other) or a `Map`.
   *
   * Everything is checked before anything is written: a key of the model absent from `stateDict`
   * (missing), a key of `stateDict` the model does not have (unexpected), a value that is not a
   * tensor, a disposed tensor (in the checkpoint or in the model), a wrong shape or dtype. Any of
   * the last four always throws; missing and unexpected keys throw only with `strict`. The error
   * lists every problem, in PyTorch's format, and then nothing has been changed.
   * `loadStateDict(sd, false)` is `loadStateDict(sd, { strict: false })`.
   */
  loadStateDict(stateDict: StateDictLike, strict?: boolean | { strict?: boolean }): IncompatibleKeys;
  loadStateDict(stateDictArg: StateDictLike, ...args: unknown[]): IncompatibleKeys {
    const op = 'loadStateDict';
    const strict = boolArg(op, 'strict', bindArgs(op, args, ['strict']).strict, true);
    const given = stateDictEntries(stateDictArg, op);
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    const keys = [...given.keys()];
    const visit = (m: Module, prefix: string) => {
      const local = new Map<string, Tensor>();
      for (const [name, p] of m._parameters) if (p) local.set(name, p);
      for (const [name, b] of m._buffers) if (b && !m._nonPersistentBuffers.has(name)) local.set(name, b);
      for (const [name, current] of local) {
        const key = prefix + name;
        if (!given.has(key)) {
          missingKeys.push(key);
          continue;
        }
        const input = given.get(key);
        if (!(input instanceof Tensor)) {
          errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeName(input)}`);
        } else if (input.isReleased) {
          errors.push(`While copying the parameter named "${key}", the tensor from checkpoint has been disposed (released); its values are gone.`);
        } else if (current.isReleased) {
          errors.push(`While copying the parameter named "${key}", the tensor in current model has been disposed (released); the model cannot be loaded into.`);
        } else if (input.shape.length !== current.shape.length || input.shape.some((d, i) => d !== current.shape[i])) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape ${shapeStr(input.shape)} from checkpoint, the shape in current model is ${shapeStr(current.shape)}.`,
          );
        } else if (input.dtype !== current.dtype) {
          errors.push(
            `dtype mismatch for ${key}: copying a param with dtype torch.${input.dtype} from checkpoint, the dtype in current model is torch.${current.dtype}.`,
          );
        } else {
          copies.push([current, input]);
        }
      }
      for (const key of keys) {
        if (!key.startsWith(prefix)) continue;
        const first = key.slice(prefix.length).split('.', 1)[0]!;
        if (!m._modules.has(first) && !local.has(first)) unexpectedKeys.push(key);
      }
      for (const [name, child] of m._modules) if (child) visit(child, `${prefix}${name}.`);
    };
    visit(this, '');
    if (strict) {
      if (unexpectedKeys.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length > 0) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length > 0) throw new Error(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      // A value that is itself one of this model's tensors (a state dict taken with keepVars, with
      // keys crossed) is read before anything is overwritten.
      const targets = new Set(copies.map(([current]) => current));
      const sources = copies.map(([current, input]) => [current, targets.has(input) && input !== current ? input.clone() : input] as const);
      for (const [current, input] of sources) if (current !== input) current.copy_(input);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing -------------------------------------------------------------------------------

  /** `extra_repr()`: the constructor arguments shown inside `Name(...)`; override per layer. */
  extraRepr(): string {
    return '';
  }

  /** @internal The class name (`_get_name`). */
  _getName(): string {
    return classNameOf(Object.getPrototypeOf(this)?.constructor);
  }

  /** The module tree, exactly as PyTorch's `repr(module)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this._modules].map(([key, m]) => `(${key}): ${addIndent(m ? m.toString() : 'None', 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A class's own static `className`, else its `name` (what a minifier may have renamed). */
function classNameOf(ctor: unknown): string {
  if (typeof ctor !== 'function') return 'Module';
  const own = Object.getOwnPropertyDescriptor(ctor, 'className')?.value;
  return typeof own === 'string' ? own : ctor.name || 'Module';
}

// ---- state dicts ------------------------------------------------------------------------------

/**
 * The entries of what `loadStateDict` was given: a `Map`, or an object's own enumerable string
 * keys (never inherited ones, so `__proto__` or `constructor` are found only when really there).
 */
function stateDictEntries(sd: unknown, op: string): Map<string, unknown> {
  if (sd instanceof Map) {
    for (const key of sd.keys()) if (typeof key !== 'string') throw new TypeError(`${op}: state dict keys must be strings (got ${describeValue(key)})`);
    return sd as Map<string, unknown>;
  }
  if (sd instanceof Module) throw new TypeError(`${op}: expected a state dict, got the module ${sd._getName()}; pass its stateDict()`);
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd) || sd instanceof Tensor) {
    throw new TypeError(`${op}: expected a state dict (an object or Map of name → Tensor), got ${describeValue(sd)}`);
  }
  const out = new Map<string, unknown>();
  for (const key of Object.keys(sd)) out.set(key, (sd as Record<string, unknown>)[key]);
  return out;
}

// ---- the call ---------------------------------------------------------------------------------

let callDepth = 0;

/**
 * `Module.__call__`: pre-hooks, `forward`, hooks. An outermost call in eval mode or under no-grad
 * is a step boundary (`tick()`), except a no-grad call while a recorded graph still waits for its
 * backward (a frozen teacher called between a student's forward and its loss).
 */
function callModule(m: Module, args: unknown[]): unknown {
  const grad = isGradEnabled();
  if (callDepth === 0 && (!m.training || !grad) && (grad || !graphPending())) tick();
  callDepth++;
  try {
    for (const hook of [...m._forwardPreHooks.values()]) {
      const result = hook(m, args);
      if (result !== undefined) args = Array.isArray(result) ? result : [result];
    }
    let output = m.forward(...args);
    for (const hook of [...m._forwardHooks.values()]) {
      const result = hook(m, args, output);
      if (result !== undefined) output = result;
    }
    return output;
  } finally {
    callDepth--;
  }
}

let nextHookId = 0;

function addHook(hooks: Map<number, AnyHook>, hook: AnyHook): RemovableHandle {
  const id = nextHookId++;
  hooks.set(id, hook);
  return { id, remove: () => void hooks.delete(id) };
}

// ---- registration traps -----------------------------------------------------------------------

/** Puts `value` in a parameter / buffer / module slot and in the object's field of that name. */
function setSlot<V>(m: Module, slots: Map<string, V | null>, name: string, value: V | null): void {
  const old = slots.get(name);
  // A replaced tensor stays valid for whoever still holds it (an autograd graph, the program);
  // its memory goes when nothing refers to it any more.
  if (old !== value && value instanceof Tensor) value.keep();
  slots.set(name, value);
  Reflect.defineProperty(rawTarget.get(m) ?? m, name, { value, writable: true, enumerable: true, configurable: true });
}

function putParameter(m: Module, name: string, param: Parameter | null): void {
  dropSlot(m, m._buffers, name);
  m._nonPersistentBuffers.delete(name);
  m._modules.delete(name);
  setSlot(m, m._parameters, name, param);
}

function putModule(m: Module, name: string, module: Module | null): void {
  dropSlot(m, m._parameters, name);
  dropSlot(m, m._buffers, name);
  m._nonPersistentBuffers.delete(name);
  setSlot(m, m._modules, name, module);
}

/** Removes a parameter / buffer slot (the tensor stays valid for whoever still holds it). */
function dropSlot(m: Module, slots: Map<string, Tensor | null>, name: string): void {
  slots.delete(name);
}

function checkName(m: Module, name: string, kind: 'parameter' | 'buffer' | 'module', slots: Map<string, unknown>): void {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typeName(name)}`);
  if (name.includes('.')) throw new Error(`${kind} name can't contain "."`);
  if (name === '') throw new Error(`${kind} name can't be empty string ""`);
  // A declared class field without initialiser exists as `undefined`: not a clash.
  const registered = m._parameters.has(name) || m._buffers.has(name) || m._modules.has(name);
  if (name in m && !slots.has(name) && !registered && (m as unknown as Record<string, unknown>)[name] !== undefined) {
    throw new Error(`attribute '${name}' already exists`);
  }
}

/**
 * PyTorch's `Module.__setattr__`. Returns `false` when `value` is an ordinary attribute that
 * should be stored as it is.
 */
function assign(m: Module, name: string, value: unknown): boolean {
  if (value instanceof Parameter) {
    putParameter(m, name, value);
    return true;
  }
  if (m._parameters.has(name)) {
    if (value === undefined) return true;
    if (value !== null) throw new TypeError(`cannot assign '${typeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    putParameter(m, name, null);
    return true;
  }
  if (value instanceof Module) {
    putModule(m, name, value);
    return true;
  }
  if (m._modules.has(name)) {
    if (value === undefined) return true;
    if (value !== null) throw new TypeError(`cannot assign '${typeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    putModule(m, name, null);
    return true;
  }
  checkHidden(name, value);
  if (m._buffers.has(name)) {
    if (value === undefined) return true;
    if (value !== null && !(value instanceof Tensor)) {
      throw new TypeError(`cannot assign '${typeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
    }
    setSlot(m, m._buffers, name, value);
    return true;
  }
  return false;
}

/**
 * A parameter or module inside a plain array or object would not be registered (PyTorch ignores
 * it silently, a classic bug): Flint refuses the assignment and names the container to use.
 */
function checkHidden(name: string, value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const isArray = Array.isArray(value);
  if (!isArray && Object.getPrototypeOf(value) !== Object.prototype && !(value instanceof Map)) return;
  const items = isArray ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  const hidden = items.find((v) => v instanceof Parameter || v instanceof Module);
  if (hidden === undefined) return;
  const what = hidden instanceof Parameter ? 'Parameter' : 'Module';
  const use = hidden instanceof Parameter ? 'registerParameter() for each' : isArray ? 'ModuleList' : 'ModuleDict';
  throw new TypeError(
    `cannot assign ${isArray ? 'an array' : 'an object'} holding a ${what} to '${name}': its contents would not be registered (not in parameters() or stateDict()); use ${use}`,
  );
}

function hasSetter(obj: object, name: string): boolean {
  for (let o: object | null = Object.getPrototypeOf(obj); o !== null; o = Object.getPrototypeOf(o)) {
    const desc = Object.getOwnPropertyDescriptor(o, name);
    if (desc) return desc.set !== undefined;
  }
  return false;
}

const registrationTraps: ProxyHandler<Module> = {
  set(target, key, value, receiver) {
    if (key === '__proto__' && (value instanceof Tensor || value instanceof Module)) {
      throw new TypeError(`cannot assign a ${value instanceof Module ? 'Module' : 'Tensor'} to '__proto__': that name sets the object's prototype in JavaScript; choose another name`);
    }
    if (typeof key === 'string' && !Object.hasOwn(target, key) && hasSetter(target, key)) return Reflect.set(target, key, value, receiver);
    if (typeof key === 'string' && assign(proxyOf(target), key, value)) return true;
    return Reflect.set(target, key, value);
  },
  defineProperty(target, key, desc) {
    if (typeof key === 'string' && 'value' in desc && assign(proxyOf(target), key, desc.value)) return true;
    return Reflect.defineProperty(target, key, desc);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string') {
      const m = proxyOf(target);
      dropSlot(m, m._parameters, key);
      dropSlot(m, m._buffers, key);
      m._modules.delete(key);
      m._nonPersistentBuffers.delete(key);
    }
    return Reflect.deleteProperty(target, key);
  },
};


function proxyOf(target: object): Module {
  return proxies.get(target) ?? (target as Module);
}

// ---- strings: dotted paths, indentation ---------------------------------------------------------

function splitLast(target: string): [string, string] {
  const i = target.lastIndexOf('.');
  return i < 0 ? ['', target] : [target.slice(0, i), target.slice(i + 1)];
}

/** PyTorch's `_addindent`: indents every line but the first. */
function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}
