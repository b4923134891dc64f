/**
 * Timing and the child-process protocol shared by the workload scripts.
 *
 * A workload script is run as `node bench/workloads/<impl>.mjs <WORKLOAD> [--warmup W] [--reps R]
 * [--budget S] [--steps K] [--backend wasm|cpu]` and prints its result as one line `BENCH_RESULT {json}` on stdout, so
 * that library warnings or logs never corrupt it.
 */
import { parseArgs } from 'node:util';

/** The workload name and timing options from argv. */
export function cliOptions() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      warmup: { type: 'string', default: '3' },
      reps: { type: 'string', default: '20' },
      budget: { type: 'string', default: '15' },
      steps: { type: 'string', default: '2000' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  return {
    workload: positionals[0],
    warmup: Number(values.warmup),
    reps: Number(values.reps),
    budgetMs: Number(values.budget) * 1000,
    steps: Number(values.steps),
    backend: values.backend,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `step` `warmup` times (fewer if warm-up alone eats a third of the budget), then times up to
 * `reps` steps, stopping early once `budgetMs` is spent and at least 3 steps are timed.
 */
export async function timeSteps(step, { warmup, reps, budgetMs }) {
  const warmStart = performance.now();
  for (let i = 0; i < warmup; i++) {
    await step();
    if (performance.now() - warmStart > budgetMs / 3) break;
  }
  const times = [];
  const start = performance.now();
  while (times.length < reps && (times.length < 3 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return { times_ms: times, median_ms: median(times) };
}

/** Prints the result line that run.mjs parses. */
export function report(result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** Reports an error (e.g. a missing kernel) as a result instead of crashing. */
export function reportError(workload, err) {
  report({ workload, error: String(err?.message ?? err).split('\n')[0] });
}

/**
 * Times several implementations of one workload in one process, alternating which goes first
 * each round, so that load from other processes on a shared machine hits them alike.
 */
export async function timeInterleaved(steps, { warmup, reps, budgetMs }) {
  const names = Object.keys(steps);
  for (let i = 0; i < warmup; i++) for (const n of names) await steps[n]();
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const start = performance.now();
  for (let round = 0; round < reps && (round < 3 || performance.now() - start < budgetMs); round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const n of order) {
      const t0 = performance.now();
      await steps[n]();
      times[n].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { times_ms: times[n], median_ms: median(times[n]) }]));
}
