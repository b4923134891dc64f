import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from './progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
}

describe('Progress', () => {
  it('prints a line per 10% when stderr is not a terminal', () => {
    const { out, stream } = sink(false);
    let t = 0;
    const p = new Progress('epoch 1/1', 100, stream, () => (t += 10));
    for (let i = 1; i <= 100; i++) p.update(i, i * 10, 0.5, 0.9);
    expect(out.length).toBe(10);
    expect(out[0]).toMatch(/^epoch 1\/1  10%  10\/100 loss 0\.5000 acc 90\.00% \d+ img\/s ETA 0:\d\d\n$/);
    expect(out[9]).toMatch(/100% 100\/100/);
  });

  it('redraws one line with \\r on a terminal and ends it with a newline', () => {
    const { out, stream } = sink(true);
    let t = 0;
    const p = new Progress('epoch 1/2', 4, stream, () => (t += 200));
    for (let i = 1; i <= 4; i++) p.update(i, i * 64, 1, 0.5);
    expect(out.every((s) => s.startsWith('\r'))).toBe(true);
    expect(out.at(-1)).toMatch(/\[========================\] 4\/4 .*\n$/);
  });

  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });
});
