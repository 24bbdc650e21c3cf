import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import { quote } from '../text';

/**
 * Images to model inputs, the pure part: the browser decodes files (createImageBitmap + OffscreenCanvas) into
 * RGBA pixels; this resizes them (bilinear), converts to the model's channels, normalises and lays them out
 * (NCHW or NHWC) as float32.
 *
 * - Resize: bilinear with half-pixel centres (OpenCV INTER_LINEAR, PyTorch `align_corners=False` without
 *   antialiasing): source x = (x + 0.5) · srcW / dstW - 0.5, clamped to the edge. Same size: an exact copy.
 *   Strong downscaling (more than 2×) aliases, as it does in those libraries; resize such images beforehand if it
 *   matters.
 * - Channels: 3 = R, G, B; 1 = luma 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, PIL's "L"). Alpha is ignored.
 * - Normalisation of a value v in 0..255 (per channel c):
 *   '0-1': v / 255; '-1-1': v / 127.5 - 1; '0-255': v; 'imagenet': (v / 255 - mean[c]) / std[c] with
 *   mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225) (one channel: mean 0.449, std 0.226, their averages);
 *   custom: (v · scale - mean[c]) / std[c], scale defaulting to 1/255.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major RGBA (ImageData.data). */
  data: Uint8Array | Uint8ClampedArray;
}

export type NormalizationPreset = '0-1' | '-1-1' | '0-255' | 'imagenet';
export type Normalization = NormalizationPreset | { mean: readonly number[]; std: readonly number[]; scale?: number };

const NORMALIZATION_PRESETS: readonly NormalizationPreset[] = ['0-1', '-1-1', '0-255', 'imagenet'];

export type ImageLayout = 'NCHW' | 'NHWC';

export interface ImageInputSpec {
  width: number;
  height: number;
  channels: 1 | 3;
  layout: ImageLayout;
  /** Rank-3 model inputs [N, H, W] take one channel and no channel axis. */
  channelAxis: boolean;
}

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** Per-channel (scale, mean, std) with x = (v · scale - mean) / std. */
export function normalizationParams(n: Normalization, channels: 1 | 3): { scale: number; mean: number[]; std: number[] } {
  const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  switch (n) {
    case '0-1':
      return { scale: 1 / 255, mean: Array(channels).fill(0), std: Array(channels).fill(1) };
    case '-1-1':
      return { scale: 1 / 127.5, mean: Array(channels).fill(1), std: Array(channels).fill(1) };
    case '0-255':
      return { scale: 1, mean: Array(channels).fill(0), std: Array(channels).fill(1) };
    case 'imagenet':
      return channels === 3 ? { scale: 1 / 255, mean: [...IMAGENET.mean], std: [...IMAGENET.std] } : { scale: 1 / 255, mean: [avg(IMAGENET.mean)], std: [avg(IMAGENET.std)] };
    default: {
      if (typeof n !== 'object' || n === null) return bad(`Unknown normalisation ${quote(String(n))}; use one of ${NORMALIZATION_PRESETS.join(', ')} or { mean, std }.`);
      const expand = (xs: readonly number[], what: string) => {
        if (xs.length === channels) return [...xs];
        if (xs.length === 1) return Array(channels).fill(xs[0]);
        return bad(`The normalisation ${what} has ${xs.length} values; the model takes ${channels} channel(s).`);
      };
      const mean = expand(n.mean, 'mean');
      const std = expand(n.std, 'std');
      if (std.some((s) => !(s > 0) || !Number.isFinite(s))) bad('Every normalisation std must be a positive number.');
      if (mean.some((m) => !Number.isFinite(m))) bad('Every normalisation mean must be a finite number.');
      const scale = n.scale ?? 1 / 255;
      if (!(scale > 0) || !Number.isFinite(scale)) bad('The normalisation scale must be a positive number.');
      return { scale, mean, std };
    }
  }
}

function checkImage(img: RgbaImage, name: string) {
  if (!(Number.isInteger(img.width) && Number.isInteger(img.height) && img.width > 0 && img.height > 0)) {
    bad(`${name}: bad image size ${img.width}×${img.height}.`);
  }
  if (img.data.length !== img.width * img.height * 4) {
    bad(`${name}: ${img.data.length} bytes of pixels, but a ${img.width}×${img.height} RGBA image has ${img.width * img.height * 4}.`);
  }
}

/** Bilinear resize (half-pixel centres, edge clamped); returns RGBA, rounded to bytes. */
export function resizeBilinear(img: RgbaImage, width: number, height: number): RgbaImage {
  checkImage(img, 'resize');
  const out = new Uint8ClampedArray(width * height * 4);
  resampleInto(img, width, height, (x, y, c, v) => {
    out[(y * width + x) * 4 + c] = v;
  });
  return { width, height, data: out };
}

/** Calls `put` with the bilinear sample (float, 0..255) of every output pixel and channel (RGBA). */
function resampleInto(img: RgbaImage, width: number, height: number, put: (x: number, y: number, c: number, v: number) => void): void {
  const { width: sw, height: sh, data } = img;
  const same = sw === width && sh === height;
  const sx = sw / width;
  const sy = sh / height;
  for (let y = 0; y < height; y++) {
    const fy = same ? y : Math.min(sh - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = same ? x : Math.min(sw - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = fx - x0;
      const i00 = (y0 * sw + x0) * 4;
      const i01 = (y0 * sw + x1) * 4;
      const i10 = (y1 * sw + x0) * 4;
      const i11 = (y1 * sw + x1) * 4;
      for (let c = 0; c < 4; c++) {
        const top = data[i00 + c] + (data[i01 + c] - data[i00 + c]) * wx;
        const bottom = data[i10 + c] + (data[i11 + c] - data[i10 + c]) * wx;
        put(x, y, c, top + (bottom - top) * wy);
      }
    }
  }
}

/** `[N, 3, 224, 224]`, symbolic dims and the whole text cut to a readable length. */
function dimsText(shape: readonly (number | string | null)[]): string {
  const t = `[${shape.map((d) => (d === null ? '?' : typeof d === 'string' && d.length > 24 ? `${d.slice(0, 23)}…` : d)).join(', ')}]`;
  return t.length <= 80 ? t : `${t.slice(0, 79)}…`;
}

/**
 * How a model input takes images: [N, C, H, W] (NCHW) or [N, H, W, C] (NHWC) with C = 1 or 3, or [N, H, W]
 * (one channel). The layout is read from where the 1/3 sits; when both fit (e.g. [N, 3, 8, 3]) NCHW is assumed
 * unless `layout` says otherwise. H and W must be fixed unless `size` gives them.
 */
export function imageInputSpec(sig: TensorSignature, options: { layout?: ImageLayout; size?: { width: number; height: number } } = {}): ImageInputSpec {
  const shape = sig.shape;
  if (sig.dtype !== 'float32') bad(`Images feed float32 inputs; the model's input ${quote(sig.name)} is ${sig.dtype}.`);
  if (!shape) return bad(`The model's input ${quote(sig.name)} has no known shape, so the image size and layout are unknown.`);
  const fixed = (d: number | string | null) => (typeof d === 'number' && d > 0 ? d : null);
  const dims = shape.map(fixed);
  let layout: ImageLayout;
  let channels: number | null;
  let h: number | null;
  let w: number | null;
  let channelAxis = true;
  if (shape.length === 3) {
    [, h, w] = dims;
    channels = 1;
    layout = 'NCHW';
    channelAxis = false;
  } else if (shape.length === 4) {
    const cFirst = dims[1] === 1 || dims[1] === 3;
    const cLast = dims[3] === 1 || dims[3] === 3;
    layout = options.layout ?? (cFirst ? 'NCHW' : cLast ? 'NHWC' : 'NCHW');
    if (layout === 'NCHW') [, channels, h, w] = dims;
    else [, h, w, channels] = dims;
    if (channels !== 1 && channels !== 3) {
      return bad(
        `The model's input ${quote(sig.name)} is ${dimsText(shape)}; as ${layout} its channel dimension is ${channels ?? 'dynamic'}, ` +
          'not 1 or 3: images need an input shaped [N, C, H, W] or [N, H, W, C] with C = 1 or 3.',
      );
    }
  } else {
    return bad(
      `The model's input ${quote(sig.name)} has rank ${shape.length} (${dimsText(shape)}); images need [N, C, H, W], [N, H, W, C] or [N, H, W].`,
    );
  }
  if (options.size) {
    if ((h !== null && h !== options.size.height) || (w !== null && w !== options.size.width)) {
      bad(`The model's input ${quote(sig.name)} takes ${w ?? '?'}×${h ?? '?'} images (width×height), not ${options.size.width}×${options.size.height}.`);
    }
    h = options.size.height;
    w = options.size.width;
  }
  if (h === null || w === null) bad(`The model's input ${quote(sig.name)} has a dynamic height or width; give the image size to use.`);
  return { width: w as number, height: h as number, channels: channels as 1 | 3, layout, channelAxis };
}

/**
 * Writes one image into `out` at item `index` (float32, the spec's layout), resizing when its size differs.
 * Returns `out`.
 */
export function imageIntoTensor(img: RgbaImage, spec: ImageInputSpec, normalization: Normalization, out: Float32Array, index: number, name = 'image'): Float32Array {
  checkImage(img, name);
  const { width, height, channels, layout } = spec;
  const { scale, mean, std } = normalizationParams(normalization, channels);
  const plane = width * height;
  const base = index * plane * channels;
  if (out.length < base + plane * channels) throw new RangeError('imageIntoTensor: output too small');
  const px = new Float32Array(plane * 4);
  resampleInto(img, width, height, (x, y, c, v) => {
    px[(y * width + x) * 4 + c] = v;
  });
  for (let p = 0; p < plane; p++) {
    const r = px[p * 4];
    const g = px[p * 4 + 1];
    const b = px[p * 4 + 2];
    if (channels === 1) {
      out[base + p] = ((0.299 * r + 0.587 * g + 0.114 * b) * scale - mean[0]) / std[0];
    } else if (layout === 'NCHW') {
      out[base + p] = (r * scale - mean[0]) / std[0];
      out[base + plane + p] = (g * scale - mean[1]) / std[1];
      out[base + 2 * plane + p] = (b * scale - mean[2]) / std[2];
    } else {
      out[base + p * 3] = (r * scale - mean[0]) / std[0];
      out[base + p * 3 + 1] = (g * scale - mean[1]) / std[1];
      out[base + p * 3 + 2] = (b * scale - mean[2]) / std[2];
    }
  }
  return out;
}

/** The dims of a batch of `n` images for the spec. */
export function imageBatchDims(spec: ImageInputSpec, n: number): number[] {
  if (!spec.channelAxis) return [n, spec.height, spec.width];
  return spec.layout === 'NCHW' ? [n, spec.channels, spec.height, spec.width] : [n, spec.height, spec.width, spec.channels];
}

/** Many images into one float32 tensor (data + dims) for the spec. */
export function imagesToTensor(images: readonly RgbaImage[], spec: ImageInputSpec, normalization: Normalization): { dims: number[]; data: Float32Array } {
  const data = new Float32Array(images.length * spec.width * spec.height * spec.channels);
  images.forEach((img, i) => imageIntoTensor(img, spec, normalization, data, i, `image ${i}`));
  return { dims: imageBatchDims(spec, images.length), data };
}
