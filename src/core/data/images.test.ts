import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageInputSpec, imageIntoTensor, imagesToTensor, normalizationParams, resizeBilinear, type ImageInputSpec, type RgbaImage } from './images';

/** An RGBA image from [r, g, b] pixels, row-major, alpha 255. */
function rgb(width: number, height: number, pixels: [number, number, number][]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  pixels.forEach(([r, g, b], i) => data.set([r, g, b, 255], i * 4));
  return { width, height, data };
}

const channel = (img: RgbaImage, c: number) => Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 4 + c]);

describe('resizeBilinear (half-pixel centres)', () => {
  it('is an exact copy at the same size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (w, h, seed) => {
        const data = Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => (i * 37 + seed) & 255);
        expect(Array.from(resizeBilinear({ width: w, height: h, data }, w, h).data)).toEqual(Array.from(data));
      }),
    );
  });

  it('matches hand-computed samples (OpenCV INTER_LINEAR convention)', () => {
    const img = rgb(2, 1, [
      [0, 0, 0],
      [255, 255, 255],
    ]);
    // x_src = (x + 0.5) * 0.5 - 0.5 → -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    expect(channel(resizeBilinear(img, 4, 1), 0)).toEqual([0, 64, 191, 255]);
    const four = rgb(4, 1, [
      [0, 0, 0],
      [100, 0, 0],
      [200, 0, 0],
      [250, 0, 0],
    ]);
    // downscale by 2: x_src = 0.5 and 2.5 → means of neighbours
    expect(channel(resizeBilinear(four, 2, 1), 0)).toEqual([50, 225]);
  });

  it('keeps a constant image constant and stays within the input range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 255 }), (w, h, W, H, v) => {
        const img = rgb(w, h, Array.from({ length: w * h }, () => [v, v, v] as [number, number, number]));
        expect(new Set(channel(resizeBilinear(img, W, H), 1))).toEqual(new Set([v]));
      }),
    );
  });

  it('refuses pixel buffers of the wrong size', () => {
    expect(() => resizeBilinear({ width: 2, height: 2, data: new Uint8Array(15) }, 1, 1)).toThrow(/15 bytes of pixels, but a 2×2 RGBA image has 16/);
  });
});

describe('normalisation and layout', () => {
  const img = rgb(2, 1, [
    [255, 0, 51],
    [0, 255, 102],
  ]);
  const spec = (layout: 'NCHW' | 'NHWC', channels: 1 | 3): ImageInputSpec => ({ width: 2, height: 1, channels, layout, channelAxis: true });

  it('NCHW puts each channel plane together, NHWC each pixel', () => {
    const nchw = imagesToTensor([img], spec('NCHW', 3), '0-255');
    expect(nchw.dims).toEqual([1, 3, 1, 2]);
    expect(Array.from(nchw.data)).toEqual([255, 0, 0, 255, 51, 102]);
    const nhwc = imagesToTensor([img], spec('NHWC', 3), '0-255');
    expect(nhwc.dims).toEqual([1, 1, 2, 3]);
    expect(Array.from(nhwc.data)).toEqual([255, 0, 51, 0, 255, 102]);
  });

  it('presets: 0-1, -1-1, imagenet; grey is BT.601 luma', () => {
    const close = (got: Float32Array, want: number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
    close(imagesToTensor([img], spec('NCHW', 3), '0-1').data, [1, 0, 0, 1, 0.2, 0.4]);
    close(imagesToTensor([img], spec('NCHW', 3), '-1-1').data, [1, -1, -1, 1, 51 / 127.5 - 1, 102 / 127.5 - 1]);
    close(imagesToTensor([img], spec('NCHW', 3), 'imagenet').data, [
      (1 - 0.485) / 0.229,
      (0 - 0.485) / 0.229,
      (0 - 0.456) / 0.224,
      (1 - 0.456) / 0.224,
      (0.2 - 0.406) / 0.225,
      (0.4 - 0.406) / 0.225,
    ]);
    close(imagesToTensor([img], spec('NCHW', 1), '0-255').data, [0.299 * 255 + 0.114 * 51, 0.587 * 255 + 0.114 * 102]);
    close(imagesToTensor([img], spec('NCHW', 3), { mean: [0.5], std: [0.5] }).data, [1, -1, -1, 1, -0.6, -0.2]);
    expect(normalizationParams('imagenet', 1).mean[0]).toBeCloseTo(0.449, 3);
    expect(() => normalizationParams({ mean: [0, 0], std: [1] }, 3)).toThrow(/mean has 2 values; the model takes 3/);
    expect(() => normalizationParams({ mean: [0], std: [0] }, 3)).toThrow(/positive/);
    expect(() => normalizationParams('0-2' as never, 3)).toThrow(/Unknown normalisation/);
  });

  it('writes item i at its offset and resizes on the way', () => {
    const out = new Float32Array(2 * 4);
    const s: ImageInputSpec = { width: 2, height: 2, channels: 1, layout: 'NCHW', channelAxis: true };
    imageIntoTensor(rgb(1, 1, [[255, 255, 255]]), s, '0-1', out, 1);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe('imageInputSpec', () => {
  const sig = (shape: (number | string | null)[] | null, dtype = 'float32') => ({ name: 'input', dtype, shape });

  it('reads layout, channels and size from the input shape', () => {
    expect(imageInputSpec(sig(['batch', 1, 28, 28]))).toEqual({ width: 28, height: 28, channels: 1, layout: 'NCHW', channelAxis: true });
    expect(imageInputSpec(sig(['N', 224, 160, 3]))).toEqual({ width: 160, height: 224, channels: 3, layout: 'NHWC', channelAxis: true });
    expect(imageInputSpec(sig(['N', 28, 28]))).toMatchObject({ width: 28, height: 28, channels: 1, channelAxis: false });
    expect(imageInputSpec(sig(['N', 3, 'h', 'w']), { size: { width: 64, height: 32 } })).toMatchObject({ width: 64, height: 32, layout: 'NCHW' });
    expect(imageInputSpec(sig(['N', 3, 8, 3]), { layout: 'NHWC' })).toMatchObject({ layout: 'NHWC', height: 3, width: 8 });
  });

  it('explains inputs that cannot take images', () => {
    expect(() => imageInputSpec(sig(['N', 784]))).toThrow(/rank 2 .*images need \[N, C, H, W\]/);
    expect(() => imageInputSpec(sig(['N', 5, 28, 28]))).toThrow(/channel dimension is 5, not 1 or 3/);
    expect(() => imageInputSpec(sig(['N', 3, 'h', 'w']))).toThrow(/dynamic height or width/);
    expect(() => imageInputSpec(sig(['N', 1, 28, 28], 'uint8'))).toThrow(/float32 inputs/);
    expect(() => imageInputSpec(sig(['N', 1, 28, 28]), { size: { width: 32, height: 32 } })).toThrow(/takes 28×28 images/);
    expect(() => imageInputSpec(sig(null))).toThrow(/no known shape/);
  });

  it('keeps messages short for huge input names and shapes from a hostile model', () => {
    const name = 'i'.repeat(300_000);
    const message = (shape: (number | string | null)[] | null, dtype = 'float32') => {
      try {
        imageInputSpec({ name, dtype, shape });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    const ms = [
      message(['N', 1, 28, 28], 'uint8'),
      message(null),
      message(Array.from({ length: 20000 }, () => 7)),
      message(['d'.repeat(100_000), 5, 28, 28]),
    ];
    for (const m of ms) expect(m.length).toBeLessThan(300);
    expect(ms[0]).toMatch(/^Images feed float32 inputs; the model's input "i{79}…" \(300000 characters\) is uint8\.$/);
    expect(ms[2]).toMatch(/has rank 20000 \(\[7, 7, [7, ]*…\)/);
    expect(ms[3]).toMatch(/is \[d{23}…, 5, 28, 28\]; as NCHW its channel dimension is 5/);
  });
});
