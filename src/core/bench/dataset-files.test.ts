import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy, type NpyArray } from '../data/npy';
import { writeNpz } from '../data/npz';
import type { TensorSignature } from '../inspect/summary';
import { datasetFromArrays, datasetFromCsv, datasetFromFile, datasetFromImageFolder, datasetFromNpy, datasetFromNpz, syntheticDataset, type ImageFile } from './dataset-files';
import type { ModelIO } from './dataset';
import { badInputMessage } from '../testing/bad-input';

const SAMPLES = resolve(__dirname, '../../../public/samples');
const sig = (name: string, shape: TensorSignature['shape'], dtype = 'float32'): TensorSignature => ({ name, dtype, shape });
const MNIST: ModelIO = { inputs: [sig('input', ['batch', 1, 28, 28])], outputs: [sig('probabilities', ['batch', 10])] };

const f32 = (shape: number[], fill = (i: number) => (i % 7) / 7): NpyArray => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)) });
const i64 = (values: number[]): NpyArray => ({ dtype: 'int64', shape: [values.length], data: BigInt64Array.from(values.map(BigInt)) });

const message = badInputMessage;

describe('datasets from arrays (.npy)', () => {
  it('the samples test split fits the sample models: 2000 items, classification', () => {
    const ds = datasetFromNpy(
      MNIST,
      { bytes: readFileSync(resolve(SAMPLES, 'mnist-test-x.npy')), fileName: 'mnist-test-x.npy' },
      { bytes: readFileSync(resolve(SAMPLES, 'mnist-test-y.npy')), fileName: 'mnist-test-y.npy' },
    );
    expect(ds.count).toBe(2000);
    expect(ds.inputs.input.dims).toEqual([2000, 1, 28, 28]);
    expect(ds.labels!.dims).toEqual([2000]);
    expect(ds.task).toBe('classification');
    expect(ds.source).toBe('mnist-test-x.npy + mnist-test-y.npy');
  });

  it('refuses wrong shapes, dtypes, NaNs and label counts before running', () => {
    const names = { source: 't', inputs: 'x.npy', labels: 'y.npy' };
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([4, 784]) }, names))).toMatch(/x\.npy has shape \[4, 784\].*expected \[N, 1, 28, 28\]/);
    expect(message(() => datasetFromArrays(MNIST, { inputs: { ...f32([4, 1, 28, 28]), dtype: 'float64', data: new Float64Array(4 * 784) } }, names))).toMatch(
      /x\.npy holds float64 values, but the model's input "input" takes float32/,
    );
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([4, 1, 28, 28], (i) => (i === 2000 ? NaN : 0)) }, names))).toMatch(/x\.npy contains NaN \(item 2\)/);
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([4, 1, 28, 28]), labels: i64([1, 2, 3]) }, names))).toBe(
      'y.npy has 3 labels, but the inputs hold 4 items; they must match one to one.',
    );
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([2, 1, 28, 28]), labels: i64([1, 10]) }, names))).toMatch(/A label is 10, outside the model's 10 classes \(0\.\.9\)/);
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([2, 1, 28, 28]), labels: i64([-1, 1]) }, names))).toMatch(/A label is -1/);
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([2, 1, 28, 28]), labels: f32([2], () => NaN) }, names))).toMatch(/y\.npy contains NaN \(item 0\)/);
    expect(message(() => datasetFromArrays(MNIST, { inputs: f32([2, 1, 28, 28]), labels: f32([2, 3]) }, names))).toMatch(
      /labels hold 3 value\(s\) per item and the model's output 10/,
    );
  });

  it('reads labels as one-hot, float class indices, or regression targets', () => {
    const oneHot = f32([2, 10], (i) => (i === 3 || i === 17 ? 1 : 0));
    const a = datasetFromArrays(MNIST, { inputs: f32([2, 1, 28, 28]), labels: oneHot }, { source: 't' });
    expect(a.task).toBe('classification');
    expect(a.notes.join(' ')).toMatch(/One-hot/);
    const b = datasetFromArrays(MNIST, { inputs: f32([2, 1, 28, 28]), labels: f32([2], (i) => i + 4) }, { source: 't' });
    expect(b.task).toBe('classification');
    const reg: ModelIO = { inputs: [sig('x', ['N', 3])], outputs: [sig('y', ['N', 1])] };
    expect(datasetFromArrays(reg, { inputs: f32([5, 3]), labels: f32([5], (i) => i * 0.5) }, { source: 't' }).task).toBe('regression');
    expect(datasetFromArrays(reg, { inputs: f32([5, 3]), labels: i64([0, 1, 1, 0, 1]) }, { source: 't' }).task).toBe('binary');
    expect(datasetFromArrays(reg, { inputs: f32([5, 3]), labels: i64([0, 1, 1, 0, 1]) }, { source: 't' }, { task: 'regression' }).task).toBe('regression');
    const unknown: ModelIO = { inputs: [sig('x', ['N', 3])], outputs: [sig('y', ['N', 'k'])] };
    expect(datasetFromArrays(unknown, { inputs: f32([5, 3]), labels: i64([0, 1, 1, 0, 1]) }, { source: 't' }).task).toBeNull();
  });

  it('multi-input models need one array per input', () => {
    const two: ModelIO = { inputs: [sig('a', ['N', 2]), sig('b', ['N', 3], 'int64')], outputs: [sig('y', ['N', 4])] };
    expect(message(() => datasetFromArrays(two, { inputs: f32([3, 2]) }, { source: 't' }))).toMatch(/2 inputs \(a, b\): give an \.npz/);
    const b: NpyArray = { dtype: 'int64', shape: [3, 3], data: new BigInt64Array(9) };
    const ds = datasetFromArrays(two, { inputs: { a: f32([3, 2]), b } }, { source: 't' });
    expect(Object.keys(ds.inputs)).toEqual(['a', 'b']);
    expect(message(() => datasetFromArrays(two, { inputs: { a: f32([3, 2]), b: { ...b, shape: [2, 3], data: new BigInt64Array(6) } } }, { source: 't' }))).toMatch(
      /different numbers of items: "a" 3, "b" 2/,
    );
    expect(message(() => datasetFromArrays(two, { inputs: { a: f32([3, 2]) } }, { source: 't', inputs: 'd.npz' }))).toMatch(/d\.npz has no array for the model's input\(s\) "b"/);
  });
});

describe('datasets from .npz', () => {
  it('finds inputs and labels by the model input name or common names', () => {
    const x = f32([3, 1, 28, 28]);
    const y = i64([1, 2, 3]);
    const variants: Record<string, NpyArray>[] = [{ x, y }, { inputs: x, labels: y }, { input: x, y_test: y }, { images: x, targets: y }];
    for (const arrays of variants) {
      const ds = datasetFromNpz(MNIST, { bytes: writeNpz(arrays), fileName: 'd.npz' });
      expect(ds.count).toBe(3);
      expect(Array.from(ds.labels!.data as BigInt64Array)).toEqual([1n, 2n, 3n]);
    }
    const only = datasetFromNpz(MNIST, { bytes: writeNpz({ pixels: x }), fileName: 'd.npz' });
    expect(only.labels).toBeUndefined();
    const picked = datasetFromNpz(MNIST, { bytes: writeNpz({ a: x, b: y }), fileName: 'd.npz' }, { inputKey: 'a', labelKey: 'b' });
    expect(picked.task).toBe('classification');
    const separate = datasetFromNpz(MNIST, { bytes: writeNpz({ x }), fileName: 'd.npz' }, { labels: { bytes: writeNpy('int64', [3], y.data), fileName: 'y.npy' } });
    expect(separate.source).toBe('d.npz + y.npy');
  });

  it('lists the arrays when none fits', () => {
    const x = f32([3, 1, 28, 28]);
    expect(message(() => datasetFromNpz(MNIST, { bytes: writeNpz({ a: x, b: x }), fileName: 'd.npz' }))).toMatch(/d\.npz holds "a", "b"; none is named after the model's input "input"/);
    expect(message(() => datasetFromNpz(MNIST, { bytes: writeNpz({ x }), fileName: 'd.npz' }, { labelKey: 'y' }))).toMatch(/d\.npz has no array "y" \(labels\); it holds "x"/);
    expect(message(() => datasetFromNpz(MNIST, { bytes: writeNpz({ x, y: i64([1]) }), fileName: 'd.npz' }))).toMatch(/d\.npz, array "y" has 1 labels, but the inputs hold 3 items/);
  });
});

describe('datasets from CSV', () => {
  const tabular: ModelIO = { inputs: [sig('features', ['N', 3])], outputs: [sig('scores', ['N', 3])] };
  const csv = 'a,b,c,label\n1,2,3,0\n4,5,6,2\n7,8,9,1\n';

  it('features in file order, the label column by name', () => {
    const ds = datasetFromCsv(tabular, csv, { fileName: 'iris.csv', labelColumn: 'label' });
    expect(ds.inputs.features.dims).toEqual([3, 3]);
    expect(Array.from(ds.inputs.features.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ds.task).toBe('classification');
    const named = datasetFromCsv(tabular, 'a,b,c,kind\n1,2,3,x\n4,5,6,z\n7,8,9,y\n', { labelColumn: 'kind' });
    expect(named.classNames).toEqual(['x', 'y', 'z']);
    expect(named.notes.join(' ')).toMatch(/x→0, y→1, z→2/);
  });

  it('rows of flattened images fill an image input, row-major (784 columns for [N, 1, 28, 28])', () => {
    const header = [...Array.from({ length: 784 }, (_, i) => `p${i}`), 'digit'].join(',');
    const rows = [0, 1].map((r) => [...Array.from({ length: 784 }, (_, i) => r * 1000 + i), r === 0 ? 7 : 3].join(','));
    const ds = datasetFromCsv(MNIST, [header, ...rows].join('\n'), { fileName: 'digits.csv', labelColumn: 'digit' });
    expect(ds.inputs.input.dims).toEqual([2, 1, 28, 28]);
    const data = ds.inputs.input.data as Float32Array;
    expect([data[0], data[1], data[28], data[783], data[784], data[784 + 29]]).toEqual([0, 1, 28, 783, 1000, 1029]);
    expect(Array.from(ds.labels!.data as ArrayLike<number | bigint>, Number)).toEqual([7, 3]);
    expect(ds.notes.join(' ')).toContain("Each row's 784 values fill one [1, 28, 28] item, row-major.");
  });

  it('explains a column count that does not fit the model', () => {
    expect(message(() => datasetFromCsv(tabular, csv, { fileName: 'iris.csv' }))).toBe(
      'iris.csv has 4 feature columns (is one of them the label? name it as the label column), but the model\'s input "features" takes 3 features.',
    );
    expect(message(() => datasetFromCsv(MNIST, csv, { labelColumn: 'label' }))).toBe(
      'the CSV file has 3 feature columns, but the model\'s input "input" takes [1, 28, 28] = 784 values an item.',
    );
    const open: ModelIO = { inputs: [sig('image', ['batch', 3, 'H', 'W'])], outputs: [sig('mask', ['batch', 1, 'H', 'W'])] };
    expect(message(() => datasetFromCsv(open, csv))).toMatch(/rows of numbers \(\[N, features\]\), but the model's input "image" is \[batch, 3, H, W\], whose dims after the batch are not all fixed/);
    expect(message(() => datasetFromCsv(tabular, 'a,b,c,label\n1,2,3,0\n4,x,6,2\n', { fileName: 'd.csv', labelColumn: 'label' }))).toMatch(/d\.csv, line 3, column "b" is not a number/);
    expect(message(() => datasetFromCsv(tabular, 'a,b,c,label\n1,2,3,0\n4,5,6,7\n', { labelColumn: 'label' }))).toMatch(/A label is 7, outside the model's 3 classes/);
  });
});

describe('datasets from an image folder', () => {
  const px = (v: number, w = 2, h = 2) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4).fill(v) });
  const tiny: ModelIO = { inputs: [sig('input', ['batch', 1, 2, 2])], outputs: [sig('probabilities', ['batch', 3])] };

  it('labels follow the sorted class folders; images are resized and normalised', () => {
    const files: ImageFile[] = [
      { path: 'digits/cat/1.png', image: px(255) },
      { path: 'digits/ant/1.png', image: px(0, 4, 4) },
      { path: 'digits/bee/x.jpg', image: px(51, 1, 1) },
    ];
    const ds = datasetFromImageFolder(tiny, files, { folderName: 'digits' });
    expect(ds.classNames).toEqual(['ant', 'bee', 'cat']);
    expect(Array.from(ds.labels!.data as BigInt64Array)).toEqual([2n, 0n, 1n]);
    expect(ds.inputs.input.dims).toEqual([3, 1, 2, 2]);
    const d = ds.inputs.input.data as Float32Array;
    d.subarray(0, 4).forEach((v) => expect(v).toBeCloseTo(1, 5)); // white: luma 255 → 1.0
    d.subarray(4, 8).forEach((v) => expect(v).toBe(0)); // black 4×4 downscaled
    expect(d[8]).toBeCloseTo(0.2, 5);
    expect(ds.task).toBe('classification');
    const ordered = datasetFromImageFolder(tiny, files, { classNames: ['cat', 'bee', 'ant'] });
    expect(Array.from(ordered.labels!.data as BigInt64Array)).toEqual([0n, 2n, 1n]);
  });

  it('names unreadable images and files outside class folders', () => {
    expect(message(() => datasetFromImageFolder(tiny, [{ path: 'a/1.png', image: px(1) }, { path: 'b/2.png', error: 'not an image' }, { path: 'b/3.png' }]))).toBe(
      '2 images could not be read: "b/2.png" (not an image), "b/3.png".',
    );
    expect(message(() => datasetFromImageFolder(tiny, [{ path: '1.png', image: px(1) }]))).toMatch(/"1\.png" is not inside a class sub-folder/);
    expect(message(() => datasetFromImageFolder(tiny, [{ path: 'z/1.png', image: px(1) }], { classNames: ['a', 'b', 'c'] }))).toMatch(/class folder\(s\) "z" that are not among/);
    expect(message(() => datasetFromImageFolder(tiny, [{ path: 'a/1.png', image: px(1) }, { path: 'b/1.png', image: px(1) }, { path: 'c/1.png', image: px(1) }, { path: 'd/1.png', image: px(1) }]))).toMatch(
      /A label is 3, outside the model's 3 classes/,
    );
    expect(message(() => datasetFromImageFolder(tiny, []))).toMatch(/holds no images/);
  });
});

describe('datasetFromFile', () => {
  const x = { bytes: readFileSync(resolve(SAMPLES, 'mnist-test-x.npy')), fileName: 'mnist-test-x.npy' };
  const y = { bytes: readFileSync(resolve(SAMPLES, 'mnist-test-y.npy')), fileName: 'mnist-test-y.npy' };

  it('reads by extension (.npy, .npz, .csv) or by the format given', () => {
    expect(datasetFromFile(MNIST, x, y).count).toBe(2000);
    const npz = { bytes: writeNpz({ x: f32([3, 1, 28, 28]), y: i64([0, 1, 2]) }), fileName: 'd.NPZ' };
    expect(datasetFromFile(MNIST, npz)).toMatchObject({ count: 3, task: 'classification' });
    const tabular: ModelIO = { inputs: [sig('f', ['N', 2])], outputs: [sig('p', ['N', 3])] };
    const csv = { bytes: new TextEncoder().encode('a,b,label\n1,2,0\n3,4,2\n'), fileName: 'rows.txt' };
    expect(datasetFromFile(tabular, csv, undefined, { format: 'csv', labelColumn: 'label' })).toMatchObject({ count: 2, task: 'classification' });
    expect(message(() => datasetFromFile(tabular, { ...csv, fileName: 'rows.csv' }, y))).toMatch(/label column/);
  });

  it('synthetic inputs fit the model and are the same every time', () => {
    const a = syntheticDataset(MNIST, 8, 3);
    expect(a).toMatchObject({ count: 8, labels: undefined, task: null });
    expect(a.inputs.input.dims).toEqual([8, 1, 28, 28]);
    expect(syntheticDataset(MNIST, 8, 3).inputs.input.data).toEqual(a.inputs.input.data);
  });
});
