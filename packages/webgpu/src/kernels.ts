/**
 * Kernels Flint replaces on the `'webgpu'` backend where tfjs-backend-webgpu 4.22 gets one wrong
 * (see the README's table):
 *
 * - `PadV2` of rank 5 or 6: its shader indexes a `vec5`/`vec6` struct, which WGSL refuses, so the
 *   pipeline is invalid and the output is zeros (Flint's strided conv2d backward pads 6-D). Here
 *   it pads one axis at a time on a 3-D view, with the rank-3 shader.
 * - Transposes of data held as `i32` (int32 and bool tensors, and float32 ones cast from them,
 *   which tfjs-webgpu's `Cast` leaves in the int buffer): the general shader passes the `i32` it
 *   reads to `setOutputAtIndex`, which takes an `f32`, so the pipeline is invalid, and with it the
 *   whole command buffer it was submitted in (other kernels' outputs come out zero too); the 2-D
 *   shader goes through an `f32` tile and rounds ints above 2^24. tfjs calls its transpose inside
 *   other kernels too (reductions and arg-max over a non-last dim, cumsum, einsum), so the program
 *   is replaced where programs run: one shader copies the `i32` as read, converting it to the
 *   output's type (e.g. `amax`'s backward over a non-last dim sums a bool mask cast to float32).
 */
import { _getKernel as getKernel, _registerKernel as registerKernel, _unregisterKernel as unregisterKernel } from '@flint/tensor';
import { webgpu_util as webgpuUtil, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

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

export function registerFlintKernels(cls: typeof WebGPUBackend): void {
  if (done) return;
  done = true;
  exactIntTransposes(cls);
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

/** `x.transpose(perm)` of data held as `i32` on the GPU (int32, bool), each element copied as read and converted to the output's type. */
function intTransposeProgram(shape: readonly number[], perm: readonly number[]): WebGPUProgram {
  const rank = shape.length;
  const outputShape = perm.map((p) => shape[p]!);
  const dispatchLayout = webgpuUtil.flatDispatchLayout(outputShape);
  const workgroupSize: [number, number, number] = [64, 1, 1];
  // Output coordinate i is input coordinate perm[i]; tfjs names a rank-N coordinate's fields x, y, z, w, u, v.
  const source: string[] = [];
  perm.forEach((p, i) => (source[p] = `coords.${'xyzwuv'[i]}`));
  const coordsType = rank <= 4 ? `vec${rank}<i32>` : `vec${rank}`;
  return {
    variableNames: ['A'],
    outputShape,
    shaderKey: `flintTransposeI32_${perm.join('_')}`,
    dispatchLayout,
    dispatch: webgpuUtil.computeDispatch(dispatchLayout, outputShape, workgroupSize),
    workgroupSize,
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          setOutputAtIndexI32(index, A[getIndexFromCoords${rank}D(${coordsType}(${source.join(', ')}), uniforms.aShape)]);
        }
      }
    `,
  };
}

interface ProgramRunner {
  tensorMap: { get(dataId: object): { dtype: string } | undefined };
  runWebGPUProgram(program: WebGPUProgram, inputs: TensorInfo[], ...rest: unknown[]): TensorInfo;
}

/** The permutation of one of tfjs-webgpu's transpose programs (`transpose_<perm>`, or the 2-D `transposeShared`), else null. */
function transposePerm(program: WebGPUProgram): readonly number[] | null {
  if (program.shaderKey === 'transposeShared') return [1, 0];
  if (program.shaderKey.startsWith('transpose_')) return (program as WebGPUProgram & { newDim: number[] }).newDim;
  return null;
}

/** Runs transposes of data held as `i32` with `intTransposeProgram`, wherever tfjs-webgpu starts them. */
function exactIntTransposes(cls: typeof WebGPUBackend): void {
  const proto = cls.prototype as unknown as ProgramRunner;
  const run = proto.runWebGPUProgram;
  proto.runWebGPUProgram = function (this: ProgramRunner, program: WebGPUProgram, inputs: TensorInfo[], ...rest: unknown[]): TensorInfo {
    const perm = transposePerm(program);
    const held = perm && inputs.length === 1 ? this.tensorMap.get(inputs[0]!.dataId)?.dtype : undefined;
    const swap = perm !== null && (held === 'int32' || held === 'bool') && inputs[0]!.shape.length >= 2;
    return run.call(this, swap ? intTransposeProgram(inputs[0]!.shape, perm) : program, inputs, ...rest);
  };
}
