/** What the command-line examples share. */
export { formatDuration, Progress, type ProgressStream } from './progress.js';
