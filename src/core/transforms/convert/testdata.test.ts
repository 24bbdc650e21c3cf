/**
 * ONNX's own way of testing its version converter, on Debian's libonnx-testdata (about 1,000 small models with their
 * inputs and expected outputs): every model older than opset 13 (opset 1 and up) is converted to opset 17, to 13 when
 * it holds an op that changed at 13, and to 21 when it holds one that changes after 17; models of opset 13 to 20
 * holding an op that changes after their opset (the Reduce ops' axes and Split at 18, ...) are converted to 21. Each
 * converted model runs once in onnxruntime-node: the expected outputs must still come out (relative L2 <= 1e-5).
 * Skipped, with a message, where the package is not installed (`apt install libonnx-testdata`).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ort } from '../../../runtimes/ort-node';
import { ParetoError } from '../../errors';
import { DataType, TensorProtoSchema, type ModelProto, type TensorProto } from '../../formats/onnx/proto';
import { readOnnx } from '../../formats/onnx/read';
import { dimsOf, tensorBytes } from '../../formats/onnx/tensor';
import { writeOnnx } from '../../formats/onnx/write';
import { ADAPTERS } from './adapters';
import { convertOpset } from './apply';

const ROOT = '/usr/share/libonnx-testdata/data';
const DIRS = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'];
const TOL = 1e-5;
/** Ops whose signature or meaning changed at 13: their models are also converted to 13. */
const CHANGED_AT_13 = new Set(['Softmax', 'LogSoftmax', 'Hardmax', 'Squeeze', 'Unsqueeze', 'ReduceSum', 'Split']);

const ORT_TYPES: Partial<Record<number, [string, new (b: ArrayBuffer) => ArrayLike<unknown>]>> = {
  [DataType.FLOAT]: ['float32', Float32Array],
  [DataType.DOUBLE]: ['float64', Float64Array],
  [DataType.INT8]: ['int8', Int8Array],
  [DataType.UINT8]: ['uint8', Uint8Array],
  [DataType.INT16]: ['int16', Int16Array],
  [DataType.UINT16]: ['uint16', Uint16Array],
  [DataType.INT32]: ['int32', Int32Array],
  [DataType.UINT32]: ['uint32', Uint32Array],
  [DataType.INT64]: ['int64', BigInt64Array],
  [DataType.UINT64]: ['uint64', BigUint64Array],
  [DataType.BOOL]: ['bool', Uint8Array],
  [DataType.FLOAT16]: ['float16', Uint16Array],
};

function toOrt(t: TensorProto): ort.Tensor {
  const dims = dimsOf(t);
  if (t.dataType === DataType.STRING) return new ort.Tensor('string', t.stringData.map((s) => new TextDecoder().decode(s)), dims);
  const k = ORT_TYPES[t.dataType];
  if (!k) throw new Error(`tensor type ${t.dataType}`);
  const bytes = Uint8Array.from(tensorBytes(t)); // a copy with its own buffer (a Buffer's slice is a view)
  return new ort.Tensor(k[0] as 'float32', new k[1](bytes.buffer) as Float32Array, dims);
}

/** Relative L2 distance (exact match for strings and booleans; NaN equals NaN). */
function distance(got: ort.Tensor, want: ort.Tensor): number {
  if (got.dims.join() !== want.dims.join()) return Infinity;
  const a = Array.from(got.data as ArrayLike<number | bigint | string>);
  const b = Array.from(want.data as ArrayLike<number | bigint | string>);
  if (typeof b[0] === 'string' || typeof b[0] === 'bigint') return a.every((x, i) => x === b[i]) ? 0 : Infinity;
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if ((Number.isNaN(x) && Number.isNaN(y)) || x === y) continue;
    d += (x - y) ** 2;
    n += y * y;
  }
  return d === 0 ? 0 : Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
}

async function run(model: ModelProto | Uint8Array, feeds: Record<string, ort.Tensor>) {
  const s = await ort.InferenceSession.create(model instanceof Uint8Array ? model : writeOnnx(model), { intraOpNumThreads: 1, logSeverityLevel: 4 });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

interface Case {
  name: string;
  bytes: Uint8Array;
  model: ModelProto;
  opset: number;
  feeds: Record<string, ort.Tensor>;
  expected: ort.Tensor[];
}

function loadCases(): { cases: Case[]; newer: number; other: string[] } {
  const cases: Case[] = [];
  const other: string[] = [];
  let newer = 0;
    for (const dir of DIRS) {
    for (const name of readdirSync(`${ROOT}/${dir}`).sort()) {
      const base = `${ROOT}/${dir}/${name}`;
      if (!existsSync(`${base}/model.onnx`) || !existsSync(`${base}/test_data_set_0`)) continue;
      const bytes = new Uint8Array(readFileSync(`${base}/model.onnx`));
      const model = readOnnx(bytes).proto;
      const opset = Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0);
      const changesLater = model.graph!.node.some((n) => Object.keys(ADAPTERS[n.opType] ?? {}).some((v) => Number(v) > opset));
      if (opset >= 13 && !changesLater) {
        newer++;
        continue;
      }
      const g = model.graph!;
      const initialized = new Set(g.initializer.map((t) => t.name));
      const inputs = g.input.filter((i) => !initialized.has(i.name));
      const tensorsOnly = [...inputs, ...g.output].every((v) => v.type?.value.case === 'tensorType');
      if (!tensorsOnly || model.opsetImport.some((o) => o.domain !== '' && o.domain !== 'ai.onnx')) {
        other.push(`${dir}/${name}`);
        continue;
      }
      const pb = (f: string) => fromBinary(TensorProtoSchema, readFileSync(`${base}/test_data_set_0/${f}`));
      const feeds = Object.fromEntries(inputs.map((v, i) => [v.name, toOrt(pb(`input_${i}.pb`))]));
      cases.push({ name: `${dir}/${name}`, bytes, model, opset, feeds, expected: g.output.map((_, i) => toOrt(pb(`output_${i}.pb`))) });
    }
  }
  return { cases, newer, other };
}

const present = existsSync(ROOT);
if (!present) console.warn(`Skipping the libonnx-testdata sweep: ${ROOT} is absent (apt install libonnx-testdata).`);

describe.skipIf(!present)('opset conversion on libonnx-testdata', () => {
  it('keeps the expected outputs of every model converted: opset < 13 to 17 (and 13, 21), the rest to 21', async () => {
    const { cases, newer, other } = loadCases();
    const counts = { models: cases.length, conversions: 0, checked: 0, checkedVsOriginal: 0, refused: 0, notRunnable: 0 };
    const refused: string[] = [];
    const notRunnable: string[] = [];
    const vsOriginal: string[] = [];
    const failures: string[] = [];
    for (const c of cases) {
      const ops = new Set(c.model.graph!.node.map((n) => n.opType));
      const laterThan = (v: number) => [...ops].some((o) => Object.keys(ADAPTERS[o] ?? {}).some((x) => Number(x) > v));
      const targets = c.opset >= 13 ? [21] : [17, ...([...ops].some((o) => CHANGED_AT_13.has(o)) ? [13] : []), ...(laterThan(17) ? [21] : [])];
      let original: ort.InferenceSession.OnnxValueMapType | undefined | null;
      const originalOutputs = async () => {
        if (original === undefined) original = await run(c.bytes, c.feeds).catch(() => null);
        return original;
      };
      for (const target of targets) {
        const where = `${c.name} (opset ${c.opset} → ${target})`;
        let converted: ModelProto;
        try {
          converted = (await convertOpset(c.model, target)).model;
        } catch (e) {
          if (!(e instanceof ParetoError)) throw e;
          counts.refused++;
          refused.push(`${where}: ${e.message}`);
          continue;
        }
        counts.conversions++;
        let got: ort.InferenceSession.OnnxValueMapType;
        try {
          got = await run(converted, c.feeds);
        } catch (e) {
          if ((await originalOutputs()) === null) {
            counts.notRunnable++;
            notRunnable.push(where);
            continue;
          }
          failures.push(`${where}: the converted model does not run: ${(e as Error).message.slice(0, 300)}`);
          continue;
        }
        const names = c.model.graph!.output.map((o) => o.name);
        const worst = Math.max(...names.map((n, i) => distance(got[n], c.expected[i])));
        if (worst <= TOL) {
          counts.checked++;
          continue;
        }
        // onnxruntime itself may differ from ONNX's reference outputs: then the converted model must match the original.
        const orig = await originalOutputs();
        const dOrig = orig ? Math.max(...names.map((n) => distance(got[n], orig[n]))) : Infinity;
        if (dOrig <= TOL) {
          counts.checkedVsOriginal++;
          vsOriginal.push(`${where} (${worst.toExponential(1)} vs expected)`);
        } else failures.push(`${where}: relative L2 ${worst.toExponential(2)} vs expected, ${dOrig.toExponential(2)} vs the original`);
      }
    }
    console.log(
      `libonnx-testdata: ${counts.models} models tried (opset 1..12, and 13..20 with an op that changes later; ${newer} others of 13+ not tried, ${other.length} with ` +
        `non-tensor values or other domains not tried); ${counts.conversions} conversions, ${counts.checked} matched the expected ` +
        `outputs, ${counts.checkedVsOriginal} matched the original's onnxruntime outputs, ${counts.notRunnable} not runnable in ` +
        `onnxruntime-node even unconverted, ${counts.refused} refused.\nRefused:\n  ${refused.join('\n  ')}\n` +
        `Matched the original: ${vsOriginal.join(', ')}\nNot runnable: ${notRunnable.join(', ')}\nNot tried: ${other.join(', ')}`,
    );
    expect(failures).toEqual([]);
    expect(counts.checked + counts.checkedVsOriginal).toBeGreaterThan(150);
  }, 120_000);
});
