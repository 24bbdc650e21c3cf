import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Use the tfjs wasm backend in Node (files from node_modules), falling back to the pure-JS cpu backend. */
export async function useBackend(prefer: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (prefer === 'wasm') {
    try {
      const require = createRequire(import.meta.url);
      const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      setWasmPaths(dist + path.sep);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // fall through to cpu
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

/**
 * The wasm backend's BatchMatMul is fast without transposes (XNNPACK) but ~20x slower with transposeA or
 * transposeB, which is exactly what matMul's gradients use. For training, wrap the kernel so it transposes
 * the operand explicitly first (a cheap Transpose kernel) and then multiplies without flags.
 */
export function speedUpWasmMatMul(): void {
  const mm = tf.getKernel('BatchMatMul', 'wasm');
  const tr = tf.getKernel('Transpose', 'wasm');
  if (!mm || !tr || (mm as { patched?: boolean }).patched) return;
  type Info = tf.TensorInfo;
  type Backend = { disposeData(id: object): void };
  const swapLast = (x: Info, backend: unknown): Info => {
    const r = x.shape.length;
    const perm = [...Array(r - 2).keys(), r - 1, r - 2];
    return tr.kernelFunc({ inputs: { x }, backend: backend as tf.KernelBackend, attrs: { perm } }) as Info;
  };
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return mm.kernelFunc(args);
    const aa = transposeA ? swapLast(a, args.backend) : a;
    const bb = transposeB ? swapLast(b, args.backend) : b;
    const out = mm.kernelFunc({ ...args, inputs: { a: aa, b: bb }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    if (transposeA) (args.backend as unknown as Backend).disposeData(aa.dataId);
    if (transposeB) (args.backend as unknown as Backend).disposeData(bb.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...mm, kernelFunc, patched: true } as tf.KernelConfig);
}

/**
 * The wasm backend has no Conv2DBackpropFilter kernel, so conv layers can't be trained on it. Register one
 * (NHWC, stride 1) built from kernels it has: the filter gradient is itself a convolution of the input with
 * dy, batch and channels swapped:
 *   dW[i, j, ci, co] = sum_{b, y, x} xpad[b, y + i, x + j, ci] * dy[b, y, x, co]
 *                    = conv2d(x as [ci, H, W, b], dy as filter [oh, ow, b, co], same pads)[ci, i, j, co].
 */
export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const tr = tf.getKernel('Transpose', 'wasm');
  const conv = tf.getKernel('Conv2D', 'wasm');
  if (!tr || !conv) return;
  type Info = tf.TensorInfo;
  type Backend = tf.KernelBackend & { disposeData(id: object): void };
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: Info; dy: Info };
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    if (a.dataFormat === 'NCHW' || info.strideHeight !== 1 || info.strideWidth !== 1) {
      throw new Error('Conv2DBackpropFilter (wasm, added by scripts/samples): only NHWC with stride 1');
    }
    const b = backend as Backend;
    const t = (v: Info, perm: number[]) => tr.kernelFunc({ inputs: { x: v }, backend: b, attrs: { perm } }) as Info;
    const xT = t(x, [3, 1, 2, 0]);
    const dyT = t(dy, [1, 2, 0, 3]);
    const p = info.padInfo;
    const out = conv.kernelFunc({
      inputs: { x: xT, filter: dyT },
      backend: b,
      attrs: { strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]] },
    }) as Info;
    const dw = t(out, [1, 2, 0, 3]);
    b.disposeData(xT.dataId);
    b.disposeData(dyT.dataId);
    b.disposeData(out.dataId);
    return dw;
  };
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc });
}

/**
 * The wasm backend's Conv2DBackpropInput is a slow reference loop. For stride 1 it equals a plain (XNNPACK)
 * convolution of dy with the spatially flipped filter, in/out channels swapped, and complementary padding.
 */
export function speedUpWasmConv2DBackpropInput(): void {
  const orig = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const tr = tf.getKernel('Transpose', 'wasm');
  const rev = tf.getKernel('Reverse', 'wasm');
  const conv = tf.getKernel('Conv2D', 'wasm');
  if (!orig || !tr || !rev || !conv || (orig as { patched?: boolean }).patched) return;
  type Info = tf.TensorInfo;
  type Backend = tf.KernelBackend & { disposeData(id: object): void };
  const kernelFunc: tf.KernelFunc = (args) => {
    const { dy, filter } = args.inputs as { dy: Info; filter: Info };
    const a = args.attrs as unknown as {
      strides: number | [number, number];
      pad: 'same' | 'valid' | number;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    if (a.dataFormat === 'NCHW' || info.strideHeight !== 1 || info.strideWidth !== 1) return orig.kernelFunc(args);
    const b = args.backend as Backend;
    const flipped = rev.kernelFunc({ inputs: { x: filter }, backend: b, attrs: { dims: [0, 1] } }) as Info;
    const w = tr.kernelFunc({ inputs: { x: flipped }, backend: b, attrs: { perm: [0, 1, 3, 2] } }) as Info;
    const kh = info.filterHeight;
    const kw = info.filterWidth;
    const p = info.padInfo;
    const out = conv.kernelFunc({
      inputs: { x: dy, filter: w },
      backend: b,
      attrs: {
        strides: 1,
        dilations: 1,
        dataFormat: 'NHWC',
        pad: [[0, 0], [kh - 1 - p.top, kh - 1 - p.bottom], [kw - 1 - p.left, kw - 1 - p.right], [0, 0]],
      },
    }) as Info;
    b.disposeData(flipped.dataId);
    b.disposeData(w.dataId);
    return out;
  };
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ ...orig, kernelFunc, patched: true } as tf.KernelConfig);
}

/** All the training-speed fixes above (wasm only; no-ops elsewhere). */
export function prepareWasmForTraining(): void {
  if (tf.getBackend() !== 'wasm') return;
  speedUpWasmMatMul();
  registerWasmConv2DBackpropFilter();
  speedUpWasmConv2DBackpropInput();
}
