import { useMemo, useState } from 'react';
import { SupportTable } from './SupportTable';
import { useShallow } from 'zustand/react/shallow';
import { runBenchmark, cancelBenchmark, type BenchRequest } from '../../state/bench-actions';
import type { BenchBackend } from '../../state/bench';
import { useStudio } from '../../state/hooks';
import type { LoadedModel } from '../../state/models';
import { variantsOf } from '../../state/variant-actions';
import type { DataSource } from '../../state/variants';
import type { NormalizationPreset } from '../../core/data/images';
import { emptyChoiceText, namesList, parseInputChoice } from '../../state/input-choice';
import { InputSpecFields } from '../spec/InputSpecFields';

const parseBatches = (s: string): number[] | string => {
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (parts.length === 0) return 'Give at least one batch size.';
  const n = parts.map(Number);
  if (n.some((x) => !Number.isInteger(x) || x < 1 || x > 4096)) return 'Batch sizes are whole numbers from 1 to 4096, comma separated.';
  return [...new Set(n)];
};

/** 2..cores, at most 6 options (powers of two and the core count on big machines). */
function threadCounts(cores: number): number[] {
  if (cores <= 1) return [];
  if (cores <= 6) return Array.from({ length: cores - 1 }, (_, i) => i + 2);
  const out = new Set<number>();
  for (let t = 2; t < cores; t *= 2) out.add(t);
  out.add(cores);
  return [...out].slice(-6);
}

export function BenchForm({ model }: { model: LoadedModel }) {
  const variants = useStudio(useShallow(variantsOf(model.id))).filter((v) => v.status === 'done');
  const running = useStudio((s) => s.benchRuns.some((r) => r.modelId === model.id && r.cells.some((c) => c.status === 'running' || c.status === 'queued')));
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const [targets, setTargets] = useState<string[]>(['original']);
  const [backends, setBackends] = useState<string[]>(['wasm:1']);
  const [batches, setBatches] = useState('1');
  const [mode, setMode] = useState<'adaptive' | 'fixed'>('adaptive');
  const [runs, setRuns] = useState('50');
  const [warmup, setWarmup] = useState('5');
  const [budget, setBudget] = useState('5');
  const [maxItems, setMaxItems] = useState('');
  const [dataChoice, setDataChoice] = useState<'sample' | 'files' | 'images' | 'csv' | 'synthetic'>(model.dataset ? 'sample' : 'synthetic');
  const [inputsFile, setInputsFile] = useState<File | null>(null);
  const [labelsFile, setLabelsFile] = useState<File | null>(null);
  const [imageFiles, setImageFiles] = useState<File[]>([]);
  const [layout, setLayout] = useState<'auto' | 'NCHW' | 'NHWC'>('auto');
  const [normalization, setNormalization] = useState<NormalizationPreset>('0-1');
  const [csvFile, setCsvFile] = useState<File | null>(null);
  const [labelColumn, setLabelColumn] = useState('label');
  const [inputText, setInputText] = useState(emptyChoiceText);

  const toggle = (list: string[], set: (v: string[]) => void, key: string, on: boolean) => set(on ? [...list, key] : list.filter((k) => k !== key));
  const backendOptions: { key: string; label: string; note?: string }[] = [
    { key: 'wasm:1', label: 'WASM, 1 thread (SIMD)' },
    // every thread count up to the cores the browser reports (a few steps on big machines)
    ...threadCounts(cores).map((t) => ({ key: `wasm:${t}`, label: `WASM, ${t} threads`, note: isolated ? undefined : 'not cross-origin isolated: runs 1 thread' })),
    { key: 'webgpu:1', label: 'WebGPU' },
    { key: 'webgl:1', label: 'WebGL', note: 'older backend; fails on ops it lacks' },
  ];

  const errors: Record<string, string> = {};
  const b = parseBatches(batches);
  if (typeof b === 'string') errors.batches = b;
  const nRuns = Number(runs), nWarm = Number(warmup), nBudget = Number(budget), nMax = maxItems ? Number(maxItems) : undefined;
  if (mode === 'fixed' && (!Number.isInteger(nRuns) || nRuns < 1 || nRuns > 100000)) errors.runs = 'Runs: a whole number from 1 to 100000.';
  if (!Number.isInteger(nWarm) || nWarm < 0 || nWarm > 1000) errors.warmup = 'Warm-up: a whole number from 0 to 1000.';
  if (!(nBudget > 0 && nBudget <= 600)) errors.budget = 'Time budget: more than 0 and at most 600 seconds per batch size.';
  if (nMax !== undefined && (!Number.isInteger(nMax) || nMax < 1)) errors.maxItems = 'Items: a whole number of at least 1, or empty for all.';
  if (targets.length === 0) errors.targets = 'Pick at least one model.';
  if (backends.length === 0) errors.backends = 'Pick at least one backend.';
  if (dataChoice === 'files' && !inputsFile) errors.data = 'Choose an .npy (or .npz) file of inputs; labels are optional.';
  if (dataChoice === 'images' && imageFiles.length === 0) errors.data = 'Choose a folder of images with one sub-folder per class.';
  if (dataChoice === 'csv' && !csvFile) errors.data = 'Choose a CSV file.';
  const inputChoice = parseInputChoice(model.summary, inputText);
  if (inputChoice.errors.length > 0) errors.inputs = inputChoice.errors.join(' ');
  // Synthetic inputs take every open dim and scalar from the form; a data file may resolve them (checked before running).
  else if (dataChoice === 'synthetic' && inputChoice.missing.length > 0) {
    errors.inputs = `Set ${namesList(inputChoice.missing)} under "Input shapes and values": synthetic inputs need ${inputChoice.missing.length > 1 ? 'them' : 'it'} (nothing is picked silently).`;
  }

  const run = () => {
    const data: DataSource =
      dataChoice === 'sample' && model.dataset ? { kind: 'url', url: model.dataset.inputsUrl, name: model.dataset.name }
      : dataChoice === 'files' && inputsFile ? { kind: 'file', file: inputsFile }
      : dataChoice === 'images' ? { kind: 'images', files: imageFiles, layout: layout === 'auto' ? undefined : layout, normalization }
      : dataChoice === 'csv' && csvFile ? { kind: 'csv', file: csvFile, labelColumn: labelColumn.trim() || undefined }
      : { kind: 'synthetic' };
    const labels: DataSource | null =
      dataChoice === 'sample' && model.dataset?.labelsUrl ? { kind: 'url', url: model.dataset.labelsUrl, name: 'labels' }
      : dataChoice === 'files' && labelsFile ? { kind: 'file', file: labelsFile }
      : null;
    const req: BenchRequest = {
      modelId: model.id,
      targets,
      backends: backends.map((k) => {
        const [backend, threads] = k.split(':');
        return { backend: backend as BenchBackend, threads: Number(threads) };
      }),
      latency: { batchSizes: b as number[], runs: mode === 'fixed' ? nRuns : 'adaptive', warmupRuns: nWarm, timeBudgetMs: nBudget * 1000 },
      data,
      dataName:
        dataChoice === 'sample' ? (model.dataset?.name ?? 'sample data')
        : dataChoice === 'files' ? (inputsFile?.name ?? '')
        : dataChoice === 'images' ? `${imageFiles.length} images (${imageFiles[0]?.webkitRelativePath.split('/')[0] ?? 'folder'})`
        : dataChoice === 'csv' ? (csvFile?.name ?? '')
        : 'synthetic inputs',
      labels: dataChoice === 'images' || dataChoice === 'csv' ? null : labels,
      labelled: dataChoice === 'images' || dataChoice === 'csv' || labels !== null,
      maxItems: nMax,
      inputs: inputChoice.choice,
    };
    void runBenchmark(req);
  };

  const supportTargets = useMemo(
    () => [{ id: 'original', name: 'original' }, ...variants.map((v) => ({ id: v.id, name: v.name }))].filter((t) => targets.includes(t.id)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [targets.join(','), variants.map((v) => v.id).join(',')],
  );
  const err = (k: string) => errors[k] && <p className="field-error" role="alert" data-testid={`bench-error-${k}`}>{errors[k]}</p>;
  return (
    <div className="recipe" data-testid="bench-form">
      <div className="recipe-cols">
        <fieldset>
          <legend>Models</legend>
          <label><input type="checkbox" checked={targets.includes('original')} onChange={(e) => toggle(targets, setTargets, 'original', e.target.checked)} /> original</label>
          {variants.map((v) => (
            <label key={v.id}><input type="checkbox" checked={targets.includes(v.id)} onChange={(e) => toggle(targets, setTargets, v.id, e.target.checked)} /> {v.name}</label>
          ))}
          {variants.length === 0 && <p className="hint">Make variants under Optimize to compare them here.</p>}
          {err('targets')}
        </fieldset>
        <fieldset>
          <legend>Backends</legend>
          {backendOptions.map((o) => (
            <label key={o.key}>
              <input type="checkbox" checked={backends.includes(o.key)} onChange={(e) => toggle(backends, setBackends, o.key, e.target.checked)} /> {o.label}
              {o.note && <span className="hint"> ({o.note})</span>}
            </label>
          ))}
          {err('backends')}
        </fieldset>
        <fieldset>
          <legend>Latency</legend>
          <label>Batch sizes<input value={batches} onChange={(e) => setBatches(e.target.value)} aria-label="Batch sizes" /></label>
          {err('batches')}
          <div className="row">
            <label>Runs
              <select value={mode} onChange={(e) => setMode(e.target.value as 'adaptive' | 'fixed')} aria-label="Run mode">
                <option value="adaptive">adaptive (median ±2% at 95%)</option>
                <option value="fixed">fixed count</option>
              </select>
            </label>
            {mode === 'fixed' && <label>Count<input type="number" value={runs} onChange={(e) => setRuns(e.target.value)} aria-label="Run count" /></label>}
          </div>
          {err('runs')}
          <div className="row">
            <label>Warm-up runs<input type="number" value={warmup} onChange={(e) => setWarmup(e.target.value)} aria-label="Warm-up runs" /></label>
            <label>Time budget (s per batch size)<input type="number" value={budget} onChange={(e) => setBudget(e.target.value)} aria-label="Time budget" /></label>
          </div>
          {err('warmup')}
          {err('budget')}
        </fieldset>
        <fieldset>
          <legend>Accuracy data</legend>
          {model.dataset && <label><input type="radio" name="bench-data" checked={dataChoice === 'sample'} onChange={() => setDataChoice('sample')} /> {model.dataset.name}, with labels</label>}
          <label><input type="radio" name="bench-data" checked={dataChoice === 'files'} onChange={() => setDataChoice('files')} /> .npy inputs (+ labels), or an .npz</label>
          {dataChoice === 'files' && (
            <>
              <label>Inputs<input type="file" accept=".npy,.npz" onChange={(e) => setInputsFile(e.target.files?.[0] ?? null)} aria-label="Inputs file" /></label>
              <label>Labels (optional: without them, fidelity to the original)<input type="file" accept=".npy" onChange={(e) => setLabelsFile(e.target.files?.[0] ?? null)} aria-label="Labels file" /></label>
            </>
          )}
          <label><input type="radio" name="bench-data" checked={dataChoice === 'images'} onChange={() => setDataChoice('images')} /> a folder of images (one sub-folder per class)</label>
          {dataChoice === 'images' && (
            <>
              <input type="file" multiple aria-label="Image folder" {...{ webkitdirectory: '' }} onChange={(e) => setImageFiles([...(e.target.files ?? [])])} />
              <div className="row">
                <label>Layout
                  <select value={layout} onChange={(e) => setLayout(e.target.value as 'auto' | 'NCHW' | 'NHWC')} aria-label="Image layout">
                    <option value="auto">from the model's input</option>
                    <option value="NCHW">NCHW</option>
                    <option value="NHWC">NHWC</option>
                  </select>
                </label>
                <label>Normalisation
                  <select value={normalization} onChange={(e) => setNormalization(e.target.value as NormalizationPreset)} aria-label="Normalisation">
                    <option value="0-1">0..1 (x / 255)</option>
                    <option value="-1-1">-1..1</option>
                    <option value="0-255">0..255</option>
                    <option value="imagenet">ImageNet mean/std</option>
                  </select>
                </label>
              </div>
              <p className="hint">Images are resized to the model's input size; grey models get the luminance.</p>
            </>
          )}
          <label><input type="radio" name="bench-data" checked={dataChoice === 'csv'} onChange={() => setDataChoice('csv')} /> a CSV (tabular models)</label>
          {dataChoice === 'csv' && (
            <>
              <input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => setCsvFile(e.target.files?.[0] ?? null)} />
              <label>Label column<input value={labelColumn} onChange={(e) => setLabelColumn(e.target.value)} aria-label="Label column" /></label>
            </>
          )}
          <label><input type="radio" name="bench-data" checked={dataChoice === 'synthetic'} onChange={() => setDataChoice('synthetic')} /> synthetic inputs (latency and fidelity only)</label>
          <label>Evaluate at most (items)<input type="number" value={maxItems} placeholder="all" onChange={(e) => setMaxItems(e.target.value)} aria-label="Max items" /></label>
          {err('data')}
          {err('maxItems')}
        </fieldset>
      </div>
      <InputSpecFields model={model.summary} text={inputText} onChange={setInputText} testId="bench-input-spec" />
      {err('inputs')}
      <SupportTable modelId={model.id} targets={supportTargets} />
      <div className="row">
        <button className="primary run" disabled={Object.keys(errors).length > 0 || running} onClick={run} data-testid="run-bench">Run benchmark</button>
        {running && <button className="run" onClick={cancelBenchmark} data-testid="cancel-bench">Cancel</button>}
      </div>
    </div>
  );
}
