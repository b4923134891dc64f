/** A plain-canvas line chart: loss (left axis) and accuracy (right axis, 0–100%) per step. */
export interface ChartData {
  losses: number[];
  accuracies: number[];
  /** `[step, accuracy]` after each epoch. */
  tests: [number, number][];
  totalSteps: number;
}

const PAD = { left: 44, right: 44, top: 12, bottom: 26 };

export function drawChart(canvas: HTMLCanvasElement, data: ChartData): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pw = w - PAD.left - PAD.right;
  const ph = h - PAD.top - PAD.bottom;
  ctx.clearRect(0, 0, w, h);
  const maxLoss = Math.max(2.5, ...data.losses.slice(0, 5));
  const x = (step: number) => PAD.left + (step / Math.max(1, data.totalSteps)) * pw;
  const yLoss = (v: number) => PAD.top + ph - (Math.min(v, maxLoss) / maxLoss) * ph;
  const yAcc = (v: number) => PAD.top + ph - v * ph;

  ctx.font = '11px system-ui, sans-serif';
  ctx.strokeStyle = '#e3e6ee';
  ctx.fillStyle = '#5c6478';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 5; i++) {
    const y = PAD.top + (ph * i) / 5;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + pw, y);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText((maxLoss * (1 - i / 5)).toFixed(1), PAD.left - 6, y + 4);
    ctx.textAlign = 'left';
    ctx.fillText(`${100 - i * 20}%`, PAD.left + pw + 6, y + 4);
  }
  ctx.textAlign = 'left';
  ctx.fillText('step', PAD.left + pw + 16, h - 6);
  ctx.textAlign = 'center';
  for (let i = 0; i <= 4; i++) ctx.fillText(String(Math.round((data.totalSteps * i) / 4)), x((data.totalSteps * i) / 4), h - 6);

  const line = (values: number[], y: (v: number) => number, color: string) => {
    if (values.length === 0) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i + 1), y(v)) : ctx.lineTo(x(i + 1), y(v))));
    ctx.stroke();
  };
  line(data.losses, yLoss, '#d9480f');
  line(data.accuracies, yAcc, '#1c7ed6');
  ctx.fillStyle = '#2b8a3e';
  for (const [step, acc] of data.tests) {
    ctx.beginPath();
    ctx.arc(x(step), yAcc(acc), 4.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.textAlign = 'center';
    ctx.fillText(`${(acc * 100).toFixed(1)}%`, x(step), yAcc(acc) - 8);
  }
}
