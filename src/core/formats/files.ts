import { ParetoError } from '../errors';
import { FORMATS, isModelFileName } from './registry';

export const baseName = (p: string) => p.replace(/\\/g, '/').split('/').pop() ?? p;

/** Which of several dropped files is the model; the rest are its external data. */
export function pickModelFile(files: readonly { name: string }[]): number {
  if (files.length === 0) throw new ParetoError('bad-input', 'No file was given.');
  const onnx = files.map((f, i) => [f, i] as const).filter(([f]) => isModelFileName(f.name));
  // A TF.js folder may hold other JSON beside model.json (a Teachable Machine export's metadata.json).
  const modelJson = onnx.filter(([f]) => baseName(f.name).toLowerCase() === 'model.json');
  if (onnx.length > 1 && modelJson.length === 1) return modelJson[0][1];
  if (onnx.length > 1) {
    throw new ParetoError(
      'bad-input',
      `Open one model at a time: got ${onnx.map(([f]) => f.name).join(', ')}. ` +
        'Drop a single .onnx file (with its external data files if it has any), or one TF.js model.json with its weight shards.',
    );
  }
  if (onnx.length === 1) return onnx[0][1];
  if (files.length === 1) return 0; // no extension: let the reader sniff it and say what it is
  throw new ParetoError(
    'bad-input',
    `None of the ${files.length} files (${files.map((f) => f.name).join(', ')}) is ${FORMATS.map((f) => f.description).join(' or ')}.`,
  );
}
