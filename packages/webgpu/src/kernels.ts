/**
 * Kernels Flint replaces on the `'webgpu'` backend where tfjs-backend-webgpu 4.22 gets one wrong
 * (see the README's table):
 *
 * - `PadV2` of rank 5 or 6: its shader indexes a `vec5`/`vec6` struct, which WGSL refuses, so the
 *   pipeline is invalid and the output is zeros (Flint's strided conv2d backward pads 6-D). Here
 *   it pads one axis at a time on a 3-D view, with the rank-3 shader.
 */
import { _getKernel as getKernel, _registerKernel as registerKernel, _unregisterKernel as unregisterKernel } from '@flint/tensor';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}
interface Backend {
  disposeData(dataId: object): void;
}
type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: Backend; attrs: Record<string, unknown> }) => TensorInfo;

let done = false;

export function registerFlintKernels(): void {
  if (done) return;
  done = true;
  const pad = getKernel('PadV2', 'webgpu');
  const reshape = getKernel('Reshape', 'webgpu');
  if (!pad || !reshape) return;
  const padFn = pad.kernelFunc as unknown as KernelFunc;
  const reshapeFn = reshape.kernelFunc as unknown as KernelFunc;
  unregisterKernel('PadV2', 'webgpu');
  registerKernel({
    ...pad,
    kernelFunc: ((args: Parameters<KernelFunc>[0]) => {
      const { inputs, backend, attrs } = args;
      const x = inputs['x']!;
      if (x.shape.length <= 4) return padFn(args);
      const paddings = attrs['paddings'] as [number, number][];
      let cur = x;
      let shape = [...x.shape];
      const owned: TensorInfo[] = [];
      for (let i = 0; i < shape.length; i++) {
        const [before, after] = paddings[i]!;
        if (before === 0 && after === 0) continue;
        const outer = shape.slice(0, i).reduce((a, b) => a * b, 1);
        const inner = shape.slice(i + 1).reduce((a, b) => a * b, 1);
        const flat = reshapeFn({ inputs: { x: cur }, backend, attrs: { shape: [outer, shape[i]!, inner] } });
        owned.push(flat);
        const padded = padFn({ inputs: { x: flat }, backend, attrs: { ...attrs, paddings: [[0, 0], [before, after], [0, 0]] } });
        owned.push(padded);
        shape = shape.map((n, k) => (k === i ? n + before + after : n));
        cur = reshapeFn({ inputs: { x: padded }, backend, attrs: { shape } });
        owned.push(cur);
      }
      const out = cur === x ? reshapeFn({ inputs: { x }, backend, attrs: { shape } }) : cur;
      for (const t of owned) if (t !== out) backend.disposeData(t.dataId);
      return out;
    }) as never,
  });
}
