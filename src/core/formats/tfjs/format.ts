import type { ModelFormat } from '../types';
import { readTfjs } from './read';

/** The first bytes of a TF.js model.json: a JSON object whose text names modelTopology early on. */
export function sniffTfjs(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart();
  return head.startsWith('{') && head.includes('"modelTopology"');
}

/** TF.js: a model.json (layers or graph model) with its weights in binary shards the manifest names. */
export const tfjsFormat: ModelFormat = {
  id: 'tfjs',
  description: 'a TF.js model.json',
  claims: (name) => /\.json$/i.test(name),
  sniff: (bytes) => sniffTfjs(bytes),
  read: (main, companion) => readTfjs(main, companion),
};
