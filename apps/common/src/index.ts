/** What the command-line examples share. */
export { formatDuration, Progress, type ProgressStream } from './progress.js';
export { intFlag, parseCommandLine, UsageError } from './cli.js';
