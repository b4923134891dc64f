/**
 * `Optimizer`: the base of every optimizer (`torch.optim.Optimizer`, PyTorch 1.13).
 *
 * It owns the parameter groups and the per-parameter state, and runs each subclass's update
 * under no-grad inside a `scope`, so a step's temporaries are freed when it returns.
 *
 * Memory ownership (the one place it is written down for this package): the optimizer owns its
 * state tensors. They are `keep()`-ed (exempt from `scope`) when created and updated in place with `copy_`, so a
 * `Tensor` in `state` keeps its identity across steps (a `stateDict()` taken earlier sees the
 * newest values, as in PyTorch). `loadStateDict` validates what it is given, copies it, and drops
 * (does not dispose) the state it replaces, which the caller may still hold; `dispose()` frees all
 * of it. Parameters and their `.grad` belong to the model.
 *
 * https://pytorch.org/docs/1.13/optim.html
 */
import { enableGrad, noGrad } from '@flint/autograd';
import { keep, scope, Tensor } from '@flint/tensor';
import { kind, show } from './validation.js';
import { classNameOf } from './class-name.js';

/** A value in a parameter's state: a tensor (`exp_avg`, `momentum_buffer`, …), a number (`step`), or `null`. */
export type StateValue = Tensor | number | null;
/** One parameter's state, with PyTorch's keys (`step`, `exp_avg`, `exp_avg_sq`, `momentum_buffer`, …). */
export type ParamState = Record<string, StateValue>;

/** A parameter group as stored in `paramGroups`: the tensors plus every hyperparameter, resolved. */
export type ParamGroup<H extends object = Record<string, unknown>> = H & {
  params: Tensor[];
  /** Set by learning-rate schedulers (`initial_lr` in PyTorch). */
  initialLr?: number;
  [key: string]: unknown;
};

/** A parameter group as given to a constructor or `addParamGroup`: tensors plus overrides. */
export type ParamGroupInput<H extends object = Record<string, unknown>> = Partial<H> & {
  params: Iterable<Tensor> | Tensor;
  [key: string]: unknown;
};

/** What an optimizer takes: parameters, or parameter groups `{ params, ...overrides }`. */
export type Params<H extends object = Record<string, unknown>> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/** The serialisable state of an optimizer, with PyTorch's structure and snake_case keys. */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by the parameter's index across all groups. */
  state: Record<number, Record<string, Tensor | number | null>>;
  /** Each group's hyperparameters (snake_case) and `params`: the indices of its parameters. */
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/**
 * The per-parameter state keys of an optimizer (`Optimizer.stateSpec`): those every saved state
 * must have, those it may have, and those that may be `null` (SGD's `momentum_buffer`).
 */
export interface StateSpec {
  required: readonly string[];
  optional?: readonly string[];
  nullable?: readonly string[];
}

/** Marks a hyperparameter without a default (`torch.optim.optimizer.required`), such as SGD's `lr`. */
export const required: unique symbol = Symbol('required');

/** `weightDecay` → `weight_decay`: state-dict keys are PyTorch's. */
export const camelToSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** `weight_decay` → `weightDecay`. */
export const snakeToCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function copyValue(v: unknown): unknown {
  return Array.isArray(v) ? v.map(copyValue) : v;
}

/**
 * Base class of all optimizers (`torch.optim.Optimizer`). A subclass validates its options,
 * calls `super(params, defaults)`, and implements `updateGroup`, which sees only the
 * parameters whose `.grad` is set and runs under no-grad inside a scope.
 */
export abstract class Optimizer<H extends object = Record<string, unknown>> {
  /**
   * The name `toString()` and error messages print (`SGD`), read only from the class's own static
   * property; a subclass without one prints its JavaScript `constructor.name`. A minified bundle
   * renames classes: give your optimizer `static override readonly className = 'MyOpt';`.
   */
  static readonly className: string = 'Optimizer';
  /** The hyperparameters used when a group doesn't give its own. */
  readonly defaults: Readonly<H>;
  /** The parameter groups; hyperparameters such as `lr` may be changed between steps. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state (`optimizer.state`), created lazily on a parameter's first step. */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Params<H>, defaults: H) {
    if (params instanceof Tensor) {
      throw new TypeError('params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor');
    }
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${kind(params)}`);
    }
    // The defaults first, as PyTorch's constructors check their arguments before anything else.
    this.validateHyperparameters(defaults as Record<string, unknown>);
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups: ParamGroupInput<H>[] =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>] : (list as ParamGroupInput<H>[]);
    // Every group is resolved and checked before any is added (Adagrad creates state per group).
    const resolved: ParamGroup<H>[] = [];
    for (const g of groups) resolved.push(this.resolveGroup(g, resolved));
    for (const g of resolved) this.addParamGroup(g);
  }

  /**
   * Checks one set of hyperparameters (camelCase): the defaults, a group being added, or a group
   * of a state dict being loaded. Throws PyTorch's message for the first bad value; values equal
   * to `required` (a default without a value) are skipped. Each optimizer overrides it.
   */
  protected validateHyperparameters(_hyper: Readonly<Record<string, unknown>>): void {}

  /**
   * The per-parameter state keys this optimizer keeps, for the group's hyperparameters (camelCase):
   * `loadStateDict` refuses a state with other keys or without the required ones (the state of
   * another optimizer). `step` is a count; every other key is a tensor shaped as the parameter
   * (or `null`, for keys listed in `nullable`). `null` (the base's answer) checks no keys.
   */
  protected stateSpec(_hyper: Readonly<Record<string, unknown>>): StateSpec | null {
    return null;
  }

  /**
   * Adds a group of parameters with its own hyperparameters (`add_param_group`), e.g. to train
   * layers unfrozen later. Missing hyperparameters come from `defaults`. Everything is checked
   * before the group is stored: on an error, `paramGroups` is as it was.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    this.paramGroups.push(this.resolveGroup(group));
  }

  /** The group `addParamGroup` would store, checked (parameters, hyperparameters, overlaps with `pending` too). */
  private resolveGroup(group: ParamGroupInput<H>, pending: readonly ParamGroup<H>[] = []): ParamGroup<H> {
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new TypeError('addParamGroup: param group must be an object with a `params` field');
    }
    if (group.params instanceof Set) {
      throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    }
    const raw = group.params as unknown;
    if (!(raw instanceof Tensor) && (raw === null || typeof raw !== 'object' || typeof (raw as Iterable<unknown>)[Symbol.iterator] !== 'function')) {
      throw new TypeError(`addParamGroup: params must be a Tensor or an iterable of Tensors (got ${kind(raw)})`);
    }
    const params = raw instanceof Tensor ? [raw] : [...(raw as Iterable<Tensor>)];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${kind(p)}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    if (new Set(params).size !== params.length) {
      // PyTorch 1.13 warns and keeps them (a later release will refuse).
      console.warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(group)) if (key !== 'params') resolved[key] = copyValue(value);
    for (const [key, value] of Object.entries(this.defaults)) {
      if (resolved[key] !== undefined) continue;
      if (value === required) throw new Error(`parameter group didn't specify a value of required optimization parameter ${camelToSnake(key)}`);
      resolved[key] = copyValue(value);
    }
    this.validateHyperparameters(resolved);
    const seen = new Set<Tensor>();
    for (const g of [...this.paramGroups, ...pending]) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new Error('some parameters appear in more than one parameter group');
    return { ...resolved, params } as ParamGroup<H>;
  }

  /**
   * Clears the gradients of all parameters (`zero_grad`). Flint follows PyTorch 2.x's default,
   * `setToNone = true` (PyTorch 1.13's default was `set_to_none=False`): `.grad` becomes `null`
   * and the step skips the parameter until a new backward. With `setToNone: false` the gradients
   * are zeroed in place.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    if (typeof setToNone !== 'boolean') throw new TypeError(`zeroGrad: setToNone must be true or false (got ${show(setToNone)})`);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p._grad;
        if (g === null) continue;
        if (setToNone) p._setGrad(null);
        else {
          g.gradFn = null;
          g.requiresGrad = false;
          noGrad(() => g.zero_());
        }
      }
    }
  }

  /**
   * Performs one optimization step (`step(closure)`). The optional closure re-evaluates the model
   * and returns the loss; it runs with grad enabled and its result is returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      scope(() => {
        for (const group of this.paramGroups) {
          const params = group.params.filter((p) => p._grad !== null);
          if (params.length > 0) this.updateGroup(group, params);
        }
      }),
    );
    return loss;
  }

  /** Updates `params` (the group's parameters that have a gradient) in place. */
  protected abstract updateGroup(group: ParamGroup<H>, params: Tensor[]): void;

  /** The state record of `p`, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return s;
  }

  /**
   * The optimizer's state (`state_dict()`), with PyTorch's structure: `state` keyed by parameter
   * index, and `param_groups` with snake_case hyperparameters and `params` as indices. `step` is
   * a number (PyTorch 1.13 stores a 0-d tensor for Adam; `loadStateDict` accepts either). The
   * tensors are the optimizer's live state, as in PyTorch: serialise them, or use
   * `loadStateDict` (which copies) to restore.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) if (key !== 'params') packed[camelToSnake(key)] = copyValue(value);
      const ids = g.params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p)!;
      });
      return { ...packed, params: ids };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (or one converted from PyTorch's), copying its tensors so
   * training resumes exactly where it was saved. Group hyperparameters are replaced by the saved
   * ones; the parameters stay this optimizer's. Everything is checked first: the structure, the
   * group count and sizes, that the state is this optimizer's (its keys, e.g. Adam's `exp_avg`,
   * `exp_avg_sq`, `step`) with the parameters' shapes, and the saved hyperparameters as the
   * constructor checks them. On an error the optimizer is unchanged and no tensor is left behind.
   *
   * PyTorch's own layout loads as it is (`optimizer.loadStateDict(load(bytes).optimizer)`): `state`
   * keyed by parameter index (numbers, decimal strings, or a `Map`), `step` as a 0-d tensor, tuples
   * as arrays, and PyTorch's implementation switches in the groups (`foreach`, `capturable`,
   * `differentiable`, `fused`), which are checked (`differentiable` and `fused` must be off) and
   * dropped: they choose a kernel, not the numbers.
   */
  loadStateDict(stateDictArg: OptimizerStateDict | PyTorchStateDictLike): void {
    const stateDict = fromPyTorchLayout(stateDictArg);
    validateStateDict(stateDict);
    const name = classNameOf(this);
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw new Error(`loadStateDict: loaded state dict has a different number of parameter groups (${saved.length}, expected ${this.paramGroups.length})`);
    }
    saved.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new Error(
          `loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${i}: ${g.params.length} parameters, expected ${this.paramGroups[i]!.params.length})`,
        );
      }
    });
    const idMap = new Map<number, { p: Tensor; group: number }>();
    saved.forEach((g, i) =>
      g.params.forEach((id, j) => {
        if (idMap.has(id)) throw new Error(`loadStateDict: parameter id ${id} appears more than once in param_groups`);
        idMap.set(id, { p: this.paramGroups[i]!.params[j]!, group: i });
      }),
    );
    // The saved hyperparameters, camelCase, as they would be stored.
    const hypers = saved.map((g, i) => {
      const h: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) {
        if (key === 'params') continue;
        if (Object.hasOwn(PYTORCH_SWITCHES, key)) {
          if (!PYTORCH_SWITCHES[key]!(value)) {
            throw new Error(`loadStateDict: param_groups[${i}].${key} is ${show(value)}: Flint's ${name} has no ${key} mode (it must be ${key === 'differentiable' ? 'False' : 'False or None'})`);
          }
          continue;
        }
        h[snakeToCamel(key)] = copyValue(value);
      }
      return h;
    });
    // Whose state is it? The per-parameter keys first (they tell optimizers apart best), then the groups'.
    for (const [id, s] of Object.entries(stateDict.state)) {
      const entry = idMap.get(Number(id));
      if (!entry) throw new Error(`loadStateDict: state refers to parameter ${id}, which is in no parameter group`);
      const spec = this.stateSpec(hypers[entry.group]!);
      if (!spec) continue;
      const keys = Object.keys(s);
      const known = new Set([...spec.required, ...(spec.optional ?? [])]);
      const unknown = keys.filter((k) => !known.has(k));
      const missing = spec.required.filter((k) => !keys.includes(k));
      if (unknown.length > 0 || missing.length > 0) {
        const has = unknown.length > 0 ? `has ${unknown.join(', ')}, which ${name} does not keep` : '';
        const lacks = missing.length > 0 ? `lacks ${missing.join(', ')}` : '';
        throw new Error(
          `loadStateDict: state[${id}] ${[has, lacks].filter(Boolean).join(' and ')}: this is not the state of ${name} (the state dict of another optimizer?). ${name} keeps ${describeSpec(spec)}`,
        );
      }
    }
    const hyperKeys = Object.keys(this.defaults);
    hypers.forEach((h, i) => {
      const missing = hyperKeys.filter((k) => h[k] === undefined);
      if (missing.length > 0) {
        throw new Error(
          `loadStateDict: param_groups[${i}] lacks ${missing.map(camelToSnake).join(', ')}: these are not the param groups of ${name} (the state dict of another optimizer?). ${name}'s groups have ${hyperKeys.map(camelToSnake).join(', ')}`,
        );
      }
      try {
        this.validateHyperparameters(h);
      } catch (err) {
        throw rethrowWith(err, `loadStateDict: param_groups[${i}]: `);
      }
    });
    for (const [id, s] of Object.entries(stateDict.state)) {
      const { p, group } = idMap.get(Number(id))!;
      const spec = this.stateSpec(hypers[group]!);
      for (const [key, value] of Object.entries(s)) {
        if (key === 'step') {
          const step = value instanceof Tensor ? (value.numel() === 1 ? value.item() : NaN) : value;
          if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
            throw new TypeError(`loadStateDict: state[${id}].step must be a non-negative integer or a one-element tensor holding one (got ${show(value)})`);
          }
          continue;
        }
        if (spec && !(value instanceof Tensor) && !(value === null && spec.nullable?.includes(key))) {
          throw new TypeError(`loadStateDict: state[${id}].${key} must be a Tensor${spec.nullable?.includes(key) ? ' or null' : ''} (got ${show(value)})`);
        }
        if (value instanceof Tensor && !sameShape(value.shape, p.shape)) {
          throw new RangeError(`loadStateDict: state '${key}' of parameter ${id} has shape [${value.shape.join(', ')}] but the parameter has shape [${p.shape.join(', ')}]`);
        }
      }
    }
    // Copy the tensors; if anything fails, the copies made so far are freed.
    const state = new Map<Tensor, ParamState>();
    const copies: Tensor[] = [];
    try {
      noGrad(() =>
        scope(() => {
          for (const [id, s] of Object.entries(stateDict.state)) {
            const { p } = idMap.get(Number(id))!;
            const copy: ParamState = {};
            for (const [key, value] of Object.entries(s)) {
              if (key === 'step' && value instanceof Tensor) copy[key] = value.item();
              else if (value instanceof Tensor) {
                // A tensor of its own (the step updates it in place; the caller's dict stays as it was).
                const t = keep(value.detach().to('float32').clone());
                copies.push(t);
                copy[key] = t;
              } else copy[key] = value;
            }
            state.set(p, copy);
          }
        }),
      );
    } catch (err) {
      for (const t of copies) if (!t.isReleased) t.dispose();
      throw err;
    }
    // The old state is dropped, not disposed: the caller may hold it (an earlier stateDict()).
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
    hypers.forEach((h, i) => {
      const group = this.paramGroups[i]!;
      for (const key of Object.keys(group)) if (key !== 'params') delete group[key];
      Object.assign(group, h);
    });
  }

  /** Frees the optimizer's state tensors (Flint-specific: WASM memory is not garbage-collected). */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }

  /** `SGD (\nParameter Group 0\n    lr: 0.1\n ...)`, as PyTorch prints an optimizer. */
  toString(): string {
    let out = `${classNameOf(this)} (`;
    this.paramGroups.forEach((g, i) => {
      out += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(g).map(camelToSnake).sort()) {
        if (key === 'params') continue;
        const v = g[snakeToCamel(key)];
        out += `    ${key}: ${Array.isArray(v) ? `(${v.join(', ')})` : pyValue(v)}\n`;
      }
    });
    return `${out})`;
  }
}

/**
 * Makes `value` a new state tensor owned by the optimizer (kept until the optimizer replaces or
 * disposes it): a storage of its own, as PyTorch's `torch.clone(d).detach()`, so updating it in
 * place leaves the gradient it came from alone. The clone starts on the same immutable buffer.
 */
export function ownState(value: Tensor): Tensor {
  return keep(value.detach().clone());
}

/** A hyperparameter as Python prints it (`True`, `False`, `None`). */
function pyValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return v === null || v === undefined ? 'None' : String(v);
}

/** `exp_avg, exp_avg_sq, step (and maybe max_exp_avg_sq)`. */
function describeSpec(spec: StateSpec): string {
  const optional = (spec.optional ?? []).filter((k) => !spec.required.includes(k));
  if (spec.required.length === 0) return optional.length > 0 ? `${optional.join(', ')} (optional)` : 'no state';
  const req = spec.required.join(', ');
  return optional.length > 0 ? `${req} (and maybe ${optional.join(', ')})` : req;
}

/** The same kind of error as `err`, its message prefixed. */
function rethrowWith(err: unknown, prefix: string): Error {
  if (!(err instanceof Error)) return new Error(`${prefix}${String(err)}`);
  const Ctor = err instanceof RangeError ? RangeError : err instanceof TypeError ? TypeError : Error;
  return new Ctor(`${prefix}${err.message}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * PyTorch's per-group implementation switches (`torch.optim.Adam(..., foreach, capturable,
 * differentiable, fused)`): the values Flint's single implementation matches.
 */
const PYTORCH_SWITCHES: Record<string, (v: unknown) => boolean> = {
  foreach: (v) => v === null || typeof v === 'boolean',
  capturable: (v) => typeof v === 'boolean',
  differentiable: (v) => v === false,
  fused: (v) => v === null || v === false,
};

/** A state dict as `load` returns PyTorch's, or with `state` as a `Map` keyed by parameter index. */
export interface PyTorchStateDictLike {
  state: Record<string, Record<string, unknown>> | ReadonlyMap<number | string, Record<string, unknown>>;
  param_groups: ReadonlyArray<Record<string, unknown>>;
}

/** The state dict with `state` as an object keyed by index (a `Map`'s entries copied). */
function fromPyTorchLayout(sd: unknown): OptimizerStateDict {
  if (typeof sd !== 'object' || sd === null || !((sd as Record<string, unknown>)['state'] instanceof Map)) return sd as OptimizerStateDict;
  const state: Record<string, unknown> = {};
  for (const [k, v] of (sd as { state: Map<unknown, unknown> }).state) state[String(k)] = v;
  return { ...(sd as OptimizerStateDict), state: state as OptimizerStateDict['state'] };
}

/** Checks the shape of a state dict before anything is changed, naming what is wrong. */
function validateStateDict(sd: unknown): asserts sd is OptimizerStateDict {
  const bad = (what: string): never => {
    throw new TypeError(`loadStateDict: ${what}`);
  };
  if (typeof sd !== 'object' || sd === null) bad(`expected a state dict object with 'state' and 'param_groups' (got ${sd === null ? 'null' : typeof sd})`);
  const { state, param_groups: groups } = sd as Record<string, unknown>;
  if (!Array.isArray(groups)) bad(`'param_groups' must be an array (got ${typeof groups})`);
  if (typeof state !== 'object' || state === null || Array.isArray(state)) bad(`'state' must be an object keyed by parameter id`);
  (groups as unknown[]).forEach((g, i) => {
    if (typeof g !== 'object' || g === null) bad(`param_groups[${i}] must be an object`);
    const params = (g as Record<string, unknown>)['params'];
    if (!Array.isArray(params) || !params.every((id) => Number.isInteger(id))) bad(`param_groups[${i}].params must be an array of integer parameter ids`);
    for (const [key, value] of Object.entries(g as Record<string, unknown>)) {
      if (key === 'params') continue;
      const ok = value === null || ['number', 'boolean', 'string'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'number'));
      if (!ok) bad(`param_groups[${i}].${key} must be a number, boolean, string or array of numbers (got ${typeof value})`);
    }
  });
  for (const [id, s] of Object.entries(state as Record<string, unknown>)) {
    if (!/^\d+$/.test(id)) bad(`state key '${id}' is not a parameter id`);
    if (typeof s !== 'object' || s === null) bad(`state[${id}] must be an object`);
    for (const [key, value] of Object.entries(s as Record<string, unknown>)) {
      if (!(value instanceof Tensor) && typeof value !== 'number' && typeof value !== 'boolean' && value !== null) {
        bad(`state[${id}].${key} must be a Tensor or a number (got ${typeof value}${typeof value === 'object' ? ': a plain object, as JSON.parse gives — tensors cannot go through JSON' : ''})`);
      }
      if (value instanceof Tensor && value.isReleased) bad(`state[${id}].${key} is a disposed tensor`);
    }
  }
}
