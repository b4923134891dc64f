/**
 * `LRScheduler`: the base of the epoch-based learning-rate schedulers
 * (`torch.optim.lr_scheduler._LRScheduler`, PyTorch 1.13).
 *
 * Construction records `initialLr` (PyTorch's `initial_lr`) in each parameter group and takes
 * the first step (`lastEpoch` goes from -1 to 0). Each `step()` then advances `lastEpoch` and
 * writes the new learning rates into `optimizer.paramGroups[i].lr`. Most schedulers use
 * PyTorch's chainable (recursive) form, computed from the group's current `lr`, so sequences
 * match torch number for number.
 *
 * A subclass sets its fields, then calls `this.initialStep()` at the end of its constructor
 * (TypeScript initialises subclass fields only after `super()` returns).
 *
 * https://pytorch.org/docs/1.13/optim.html#how-to-adjust-learning-rate
 */
import { camelToSnake, snakeToCamel, type Optimizer, type ParamGroup } from '../optimizer.js';
import { kind } from '../validation.js';
import { checkOptimizer, Where } from './checks.js';
import { classNameOf } from '../class-name.js';

/** What every scheduler offers (`step`, `getLastLr`, state dicts). */
export interface Scheduler {
  readonly optimizer: Optimizer<any>;
  step(...args: never[]): void;
  getLastLr(): number[];
  stateDict(): Record<string, unknown>;
  loadStateDict(stateDict: Record<string, unknown>): void;
}

export interface LRSchedulerOptions {
  /** The index of the last epoch, to resume a schedule. Default -1 (start). */
  lastEpoch?: number;
}

/**
 * A field's key in a state dict: PyTorch's snake_case, keeping a leading underscore
 * (`_stepCount` → `_step_count`), and `T_max` for `TMax`.
 */
export function stateKey(field: string): string {
  if (field === 'TMax') return 'T_max';
  const lead = /^_*/.exec(field)![0];
  return lead + camelToSnake(field.slice(lead.length));
}

/** Serialises a scheduler's own fields (not the optimizer, not functions) with snake_case keys. */
export function schedulerState(obj: object, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'optimizer' || skip.includes(key) || typeof value === 'function') continue;
    out[stateKey(key)] = structuredClone(value);
  }
  return out;
}

/** Keys of PyTorch's scheduler state dicts that Flint has no field for, accepted and ignored. */
const PYTORCH_ONLY_KEYS = ['verbose', '_get_lr_called_within_step'];

/** How `prepareSchedulerLoad` checks a state dict. */
export interface SchedulerLoadSpec {
  /** The scheduler's name, for messages. */
  cls: string;
  /** Fields every state dict of this scheduler has (camelCase): its options, `lastEpoch`, … */
  required: readonly string[];
  /** Fields kept out of state dicts (functions, inner schedulers). */
  skip?: readonly string[];
  /** Keys accepted and ignored, besides PyTorch's `verbose` (a LambdaLR's `lr_lambdas`). */
  ignore?: readonly string[];
  /** Other keys of fields (PyTorch's `_milestones` for SequentialLR's `milestones`). */
  aliases?: Readonly<Record<string, string>>;
  /** Checks the fields as they would be after loading (current ones overlaid with the loaded); may normalise them in place. */
  validate(fields: Record<string, unknown>, where: Where): void;
}

/**
 * Checks a scheduler state dict against `obj`'s fields and returns the function that loads it,
 * so that composite schedulers can check all their parts before changing any. Refuses keys the
 * scheduler does not have (the state of another scheduler), state dicts lacking its options,
 * and values its constructor would refuse.
 */
export function prepareSchedulerLoad(obj: object, stateDict: unknown, spec: SchedulerLoadSpec): () => void {
  const where: Where = new Where(spec.cls, true);
  if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict)) {
    where.fail(`expected a state dict object (got ${kind(stateDict)})`, TypeError);
  }
  const skip = new Set(['optimizer', ...(spec.skip ?? [])]);
  const fields = Object.entries(obj).filter(([k, v]) => !skip.has(k) && typeof v !== 'function').map(([k]) => k);
  const fieldOf = new Map<string, string>();
  for (const f of fields) {
    fieldOf.set(stateKey(f), f);
    fieldOf.set(camelToSnake(f), f); // `_t_max`, as earlier versions saved `TMax`
  }
  for (const [alias, f] of Object.entries(spec.aliases ?? {})) fieldOf.set(alias, f);
  const ignore = new Set([...PYTORCH_ONLY_KEYS, ...(spec.ignore ?? [])]);
  const loaded: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(stateDict as Record<string, unknown>)) {
    if (ignore.has(key)) continue;
    const f = fieldOf.get(key) ?? (fields.includes(snakeToCamel(key)) ? snakeToCamel(key) : undefined);
    if (f === undefined) unknown.push(key);
    else loaded[f] = value;
  }
  const saves = fields.map(stateKey).join(', ');
  if (unknown.length > 0) {
    where.fail(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the state of ${spec.cls} (the state dict of another scheduler?); ${spec.cls} saves ${saves}`, Error);
  }
  const missing = spec.required.filter((f) => !(f in loaded));
  if (missing.length > 0) {
    where.fail(`the state dict lacks ${missing.map(stateKey).join(', ')}, so it is not the state of ${spec.cls} (the state dict of another scheduler?); ${spec.cls} saves ${saves}`, Error);
  }
  let copy: Record<string, unknown>;
  try {
    copy = structuredClone(loaded);
  } catch (err) {
    where.fail(`the state dict holds a value that cannot be copied (${(err as Error).message})`, TypeError);
  }
  const merged: Record<string, unknown> = { ...Object.fromEntries(fields.map((f) => [f, (obj as Record<string, unknown>)[f]])), ...copy };
  spec.validate(merged, where);
  return () => {
    for (const [f, v] of Object.entries(merged)) (obj as Record<string, unknown>)[f] = v;
  };
}

/** `_lastLr`, `_stepCount`, `lastEpoch`, `baseLrs`: the fields every epoch-based scheduler saves. */
function checkEpochFields(f: Record<string, unknown>, where: Where, groups: number): void {
  where.lastEpoch(f.lastEpoch);
  where.perGroup('baseLrs', f.baseLrs, groups);
  if ('_stepCount' in f) where.integer('_stepCount', f._stepCount, 0);
  if ('_lastLr' in f) where.perGroup('_lastLr', f._lastLr, groups);
}

/**
 * State of a scheduler made of other schedulers (`ChainedScheduler`, `SequentialLR`): its own
 * fields plus each inner scheduler's state under `_schedulers`, as PyTorch saves them.
 */
export function compositeSchedulerState(obj: { readonly schedulers: readonly LRScheduler[] }): Record<string, unknown> {
  return { ...schedulerState(obj, ['schedulers']), _schedulers: obj.schedulers.map((s) => s.stateDict()) };
}

/**
 * The inverse of `compositeSchedulerState`: checks its own fields (with `spec`) and every inner
 * scheduler's state before loading any of them.
 */
export function loadCompositeSchedulerState(
  obj: { readonly schedulers: readonly LRScheduler[] },
  stateDict: unknown,
  spec: Omit<SchedulerLoadSpec, 'skip' | 'ignore'>,
): void {
  const where: Where = new Where(spec.cls, true);
  const own = prepareSchedulerLoad(obj, stateDict, { ...spec, skip: ['schedulers'], ignore: ['_schedulers'] });
  const inner = (stateDict as Record<string, unknown>)._schedulers;
  if (!Array.isArray(inner)) where.fail(`_schedulers must be an array with the state of each scheduler (got ${kind(inner)})`, TypeError);
  if (inner.length !== obj.schedulers.length) {
    where.fail(`_schedulers holds the state of ${inner.length} schedulers, but this ${spec.cls} has ${obj.schedulers.length}`);
  }
  const commits = obj.schedulers.map((s, i) => {
    try {
      return s._prepareLoad(inner[i]);
    } catch (err) {
      throw new (err instanceof TypeError ? TypeError : err instanceof RangeError ? RangeError : Error)(
        `${spec.cls}.loadStateDict: _schedulers[${i}]: ${(err as Error).message}`,
      );
    }
  });
  own();
  for (const commit of commits) commit();
}

/** The optimizer's groups as they were before a scheduler's constructor wrote into them. */
const snapshots = new WeakMap<LRScheduler, Array<Record<string, unknown>>>();

/**
 * The base of the epoch-based schedulers (`torch.optim.lr_scheduler._LRScheduler`); see the file
 * comment.
 */
export abstract class LRScheduler implements Scheduler {
  /** The name error messages print (`StepLR`): the class's own static property, else `constructor.name`, as `Optimizer.className`. */
  static readonly className: string = 'LRScheduler';
  readonly optimizer: Optimizer<any>;
  /** Each group's `initialLr` when the scheduler was made (`base_lrs`). */
  baseLrs: number[];
  /** The index of the last step taken: 0 right after construction (`last_epoch`). */
  lastEpoch: number;
  /** @internal How many times `step` ran (`_step_count`). */
  _stepCount = 0;
  /** @internal */
  _lastLr: number[] = [];

  /**
   * Checks the optimizer and `lastEpoch`, then records `initialLr` in the groups. A subclass checks
   * its own options before calling this, so nothing is written into the optimizer until all of
   * them are valid (and the groups are restored if the first step throws).
   */
  constructor(optimizer: Optimizer<any>, options: LRSchedulerOptions = {}) {
    checkOptimizer(optimizer);
    const where: Where = new Where(new.target.name);
    const { lastEpoch = -1 } = options ?? {};
    where.lastEpoch(lastEpoch);
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) where.nonNegative(`param_groups[${i}].lr`, g.lr);
      });
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    groups.forEach((g, i) => {
      if (g.initialLr !== undefined) where.nonNegative(`param_groups[${i}].initialLr`, g.initialLr);
    });
    this.optimizer = optimizer;
    snapshots.set(this, groups.map((g) => ({ ...g })));
    if (lastEpoch === -1) for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr as number;
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  protected get groups(): ParamGroup<any>[] {
    return this.optimizer.paramGroups;
  }

  /** The learning rates of the next epoch, in the chainable form (`get_lr`). */
  protected abstract getLr(): number[];

  /** The closed form of the schedule at `lastEpoch`, if the scheduler has one (`_get_closed_form_lr`). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /**
   * @internal Resets the step count and takes the first step (`_initial_step`). If that throws
   * (a user's `lrLambda`) at the end of a constructor, the optimizer's groups are put back as
   * they were before the constructor.
   */
  initialStep(): void {
    const before = snapshots.get(this);
    snapshots.delete(this);
    try {
      this._stepCount = 0;
      this.step();
    } catch (err) {
      if (before) {
        this.groups.forEach((g, i) => {
          for (const key of Object.keys(g)) if (!(key in before[i]!)) delete g[key];
          Object.assign(g, before[i]);
        });
      }
      throw err;
    }
  }

  /** Advances one epoch (or step) and updates the optimizer's learning rates. */
  step(): void {
    this._stepTo(undefined);
  }

  /**
   * @internal `step(epoch)`: jumps to `epoch` with the closed form where there is one, as
   * PyTorch's deprecated form (used by `SequentialLR` at milestones).
   */
  _stepTo(epoch: number | undefined): void {
    const [stepCount, lastEpoch] = [this._stepCount, this.lastEpoch];
    let values: number[];
    try {
      this._stepCount++;
      if (epoch === undefined) {
        this.lastEpoch++;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.closedFormLr() ?? this.getLr();
      }
    } catch (err) {
      // A step that throws (past OneCycleLR's total steps, a bad lrLambda) is not taken.
      [this._stepCount, this.lastEpoch] = [stepCount, lastEpoch];
      throw err;
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this._lastLr = this.groups.map((g) => g.lr as number);
  }

  /** The learning rates set by the last step (`get_last_lr`). */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The scheduler's fields except the optimizer (`state_dict`), with snake_case keys. */
  stateDict(): Record<string, unknown> {
    return schedulerState(this, this.stateSkip());
  }

  /**
   * Restores fields saved by `stateDict()` (or by PyTorch). The state dict is checked first: keys
   * of another scheduler, a missing option, or a value the constructor would refuse are errors,
   * and leave the scheduler unchanged.
   */
  loadStateDict(stateDict: Record<string, unknown>): void {
    this._prepareLoad(stateDict)();
  }

  /** @internal Checks a state dict and returns the function that loads it. */
  _prepareLoad(stateDict: unknown): () => void {
    return prepareSchedulerLoad(this, stateDict, {
      cls: classNameOf(this),
      required: ['lastEpoch', 'baseLrs', ...this.optionFields()],
      skip: this.stateSkip(),
      ignore: this.stateSkip().map(stateKey),
      validate: (f: Record<string, unknown>, where: Where) => {
        checkEpochFields(f, where, this.groups.length);
        this.validateFields(f, where);
      },
    });
  }

  /** The fields that hold this scheduler's options (`stepSize`, `gamma`), which its state dicts must have. */
  protected optionFields(): readonly string[] {
    return [];
  }

  /** Fields kept out of the state dict (functions). */
  protected stateSkip(): readonly string[] {
    return [];
  }

  /** Checks the options among `fields` as the constructor does (for `loadStateDict`). */
  protected validateFields(_fields: Record<string, unknown>, _where: Where): void {}
}
