/**
 * The drawing pad, and MNIST's preprocessing of a drawn digit: crop to the ink, scale the longer
 * side to 20 px, and centre the centre of mass in a 28×28 field (as LeCun et al. prepared MNIST).
 */
export function setupPad(canvas: HTMLCanvasElement, onChange: (final: boolean) => void): { clear(): void } {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = canvas.width / 14;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  let drawing = false;
  let last = 0;
  const pos = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture?.(e.pointerId);
    const [px, py] = pos(e);
    ctx.beginPath();
    ctx.moveTo(px, py);
    ctx.lineTo(px + 0.01, py);
    ctx.stroke();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [px, py] = pos(e);
    ctx.lineTo(px, py);
    ctx.stroke();
    const now = performance.now();
    if (now - last > 80) {
      last = now;
      onChange(false);
    }
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onChange(true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointerleave', end);
  return { clear };
}

/** The drawing as 28×28 grey levels 0..255 (row-major), or `null` when the pad is empty. */
export function toMnist(canvas: HTMLCanvasElement): Uint8Array | null {
  const { width: w, height: h } = canvas;
  const src = canvas.getContext('2d')!.getImageData(0, 0, w, h).data;
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (src[(y * w + x) * 4]! > 20) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const small = document.createElement('canvas');
  small.width = small.height = 28;
  const sctx = small.getContext('2d', { willReadFrequently: true })!;
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  const dw = bw * scale;
  const dh = bh * scale;
  sctx.drawImage(canvas, x0, y0, bw, bh, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
  const px = sctx.getImageData(0, 0, 28, 28).data;
  const grey = new Float32Array(28 * 28);
  let mass = 0, cx = 0, cy = 0;
  for (let i = 0; i < 28 * 28; i++) {
    const v = px[i * 4]!;
    grey[i] = v;
    mass += v;
    cx += v * (i % 28);
    cy += v * Math.floor(i / 28);
  }
  const dx = Math.round(13.5 - cx / mass);
  const dy = Math.round(13.5 - cy / mass);
  const out = new Uint8Array(28 * 28);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = grey[sy * 28 + sx]!;
    }
  }
  return out;
}

/** Paints 28×28 grey levels onto a (larger) canvas, pixelated. */
export function showMnist(canvas: HTMLCanvasElement, pixels: Uint8Array | null): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!pixels) return;
  const img = ctx.createImageData(28, 28);
  pixels.forEach((v, i) => img.data.set([v, v, v, 255], i * 4));
  const tmp = document.createElement('canvas');
  tmp.width = tmp.height = 28;
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}
