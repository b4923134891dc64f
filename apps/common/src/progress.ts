/**
 * A per-epoch progress bar on stderr: loss, accuracy, images/s and ETA. On a terminal it redraws
 * one line with `\r`; otherwise (CI logs, pipes) it prints a line at about every 10%.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Progress {
  private readonly start = performance.now();
  private lastDecile = 0;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Reports batch `done` of `total` with the running loss and accuracy over `images` images. */
  update(done: number, images: number, loss: number, accuracy: number): void {
    const elapsed = (this.now() - this.start) / 1000;
    const rate = images / Math.max(elapsed, 1e-9);
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : Number.NaN;
    const stats = `loss ${loss.toFixed(4)} acc ${(accuracy * 100).toFixed(2)}% ${Math.round(rate)} img/s ${done < this.total ? `ETA ${formatDuration(eta)}` : `${formatDuration(elapsed)}`}`;
    const counter = `${String(done).padStart(String(this.total).length)}/${this.total}`;
    if (this.stream.isTTY) {
      const t = this.now();
      if (done < this.total && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      const cols = this.stream.columns || 120; // 0 when the terminal size is unknown
      // The bar shrinks (down to 10 cells) before the numbers get cut on a narrow terminal.
      const width = Math.max(10, Math.min(24, cols - 1 - `${this.label}  ${counter} ${stats}`.length - 3));
      const filled = Math.round((done / this.total) * width);
      const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done === this.total ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
      const line = `${this.label} ${bar} ${counter} ${stats}`;
      this.stream.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length))}\x1b[K${done === this.total ? '\n' : ''}`);
    } else {
      const decile = Math.floor((done / this.total) * 10);
      if (decile > this.lastDecile || done === this.total) {
        this.lastDecile = decile;
        this.stream.write(`${this.label} ${String(Math.round((done / this.total) * 100)).padStart(3)}% ${counter} ${stats}\n`);
      }
    }
  }
}
