/** The command line of the examples: usage errors, integer flags, `--help`. */

/** A bad command line: the example prints the message and the usage, then exits with status 2. */
export class UsageError extends Error {}

/** `--name N`: an integer ≥ `min`, or `undefined` when the flag is absent. */
export function intFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min} (got '${value}')`);
  return n;
}

/**
 * Parses `argv` with `parse`: the options, or the exit status when there is nothing to run
 * (2 after printing a usage error, 0 after printing the usage for `--help`).
 */
export function parseCommandLine<O extends { help: boolean }>(argv: readonly string[], parse: (argv: readonly string[]) => O, usage: string): O | number {
  let options: O;
  try {
    options = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(usage);
    return 0;
  }
  return options;
}
