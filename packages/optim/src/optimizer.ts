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
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups: ParamGroupInput<H>[] =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>] : (list as ParamGroupInput<H>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own hyperparameters (`add_param_group`), e.g. to train
   * layers unfrozen later. Missing hyperparameters come from `defaults`.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new TypeError('addParamGroup: param group must be an object with a `params` field');
    }
    if (group.params instanceof Set) {
      throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(group)) if (key !== 'params') resolved[key] = copyValue(value);
    for (const [key, value] of Object.entries(this.defaults)) {
      if (resolved[key] !== undefined) continue;
      if (value === required) throw new Error(`parameter group didn't specify a value of required optimization parameter ${camelToSnake(key)}`);
      resolved[key] = copyValue(value);
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new Error('some parameters appear in more than one parameter group');
    this.paramGroups.push({ ...resolved, params } as ParamGroup<H>);
  }

  /**
   * Clears the gradients of all parameters (`zero_grad`). With `setToNone` (the default, as in
   * PyTorch 2) `.grad` becomes `null` and the step skips the parameter until a new backward;
   * otherwise the gradients are zeroed in place.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
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
   * ones; the parameters stay this optimizer's.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    validateStateDict(stateDict);
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
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(id, this.paramGroups[i]!.params[j]!)));
    for (const [id, s] of Object.entries(stateDict.state)) {
      const p = idMap.get(Number(id));
      if (!p) throw new Error(`loadStateDict: state refers to parameter ${id}, which is in no parameter group`);
      for (const [key, value] of Object.entries(s)) {
        if (value instanceof Tensor && key !== 'step' && !sameShape(value.shape, p.shape)) {
          throw new RangeError(`loadStateDict: state '${key}' of parameter ${id} has shape [${value.shape.join(', ')}] but the parameter has shape [${p.shape.join(', ')}]`);
        }
      }
    }
    // The old state is dropped, not disposed: the caller may hold it (an earlier stateDict()).
    const state = new Map<Tensor, ParamState>();
    noGrad(() => {
      for (const [id, s] of Object.entries(stateDict.state)) {
        const p = idMap.get(Number(id));
        if (!p) continue;
        const copy: ParamState = {};
        for (const [key, value] of Object.entries(s)) {
          if (key === 'step' && value instanceof Tensor) copy[key] = value.item();
          // A tensor of its own (the step updates it in place; the caller's dict stays as it was).
          else if (value instanceof Tensor) copy[key] = keep(value.detach().to('float32').clone());
          else copy[key] = value;
        }
        state.set(p, copy);
      }
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
    saved.forEach((g, i) => {
      const group = this.paramGroups[i]!;
      for (const key of Object.keys(group)) if (key !== 'params') delete group[key];
      for (const [key, value] of Object.entries(g)) if (key !== 'params') (group as Record<string, unknown>)[snakeToCamel(key)] = copyValue(value);
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
    let out = `${this.constructor.name} (`;
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

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
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
