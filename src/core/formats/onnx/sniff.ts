/**
 * Cheap first filter by magic bytes. ONNX is a bare protobuf with no magic number, so the positive test
 * is a plausible first ModelProto field tag; the negative test names formats users often drop by mistake.
 */
const ascii = (b: Uint8Array, start: number, len: number) =>
  String.fromCharCode(...b.subarray(start, Math.min(b.length, start + len)));

/** A description of a known non-ONNX format, or undefined. */
export function identifyForeign(b: Uint8Array): string | undefined {
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return 'a ZIP archive (a PyTorch .pt checkpoint, a Keras .keras file or an .npz?): export the model to ONNX first';
  }
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'a PNG image';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'a JPEG image';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'HDF') return 'an HDF5 file (a Keras .h5 model?)';
  if (b.length >= 8 && ascii(b, 4, 4) === 'TFL3') return 'a TensorFlow Lite flatbuffer';
  if (b.length >= 4 && ascii(b, 0, 4) === 'GGUF') return 'a GGUF file (llama.cpp)';
  if (b.length >= 6 && b[0] === 0x93 && ascii(b, 1, 5) === 'NUMPY') return 'a NumPy .npy array (a dataset, not a model)';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'a gzip-compressed file: decompress it first';
  if (b.length >= 10 && b[5] === 0 && b[6] === 0 && b[7] === 0 && b[8] === 0x7b && b[9] === 0x22) {
    return 'a safetensors file (weights only, no graph)';
  }
  const first = b.subarray(0, 64);
  let text = 0;
  for (const c of first) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127)) text++;
  if (first.length > 0 && text === first.length) {
    const head = ascii(b, 0, 64).trimStart();
    if (head.startsWith('{')) return 'a JSON file (a TF.js model.json goes with its weight shards)';
    if (head.startsWith('<')) return 'an HTML or XML document';
    return 'a text file';
  }
  return undefined;
}

/** Valid first tags of a ModelProto (field numbers 1-8, 14, 20, 25 with their wire types). */
const MODEL_FIRST_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0xa2, 0xca]);

/** Does this look like ONNX? (extension, or a ModelProto's first tag) */
export function sniffOnnx(bytes: Uint8Array, fileName = ''): boolean {
  if (/\.onnx$/i.test(fileName)) return true;
  return bytes.length > 2 && MODEL_FIRST_TAGS.has(bytes[0]) && identifyForeign(bytes) === undefined;
}
