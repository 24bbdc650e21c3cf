import type { ModelFormat } from '../types';
import { readOnnx } from './read';
import { sniffOnnx } from './sniff';

/** ONNX: one protobuf .onnx file, weights optionally in external data files named by relative location. */
export const onnxFormat: ModelFormat = {
  id: 'onnx',
  description: 'an .onnx model',
  claims: (name) => /\.onnx$/i.test(name),
  sniff: (bytes, name) => sniffOnnx(bytes, name),
  read: (main, companion) => readOnnx(main.bytes, { fileName: main.name, loadExternal: companion }),
};
