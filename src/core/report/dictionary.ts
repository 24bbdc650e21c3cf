/**
 * The preset dictionary of the link's deflate stream: a typical report with short keys (codec.ts), so even a link's
 * first result compresses against text deflate has "seen". FROZEN: links made with it must keep opening, so changing
 * it needs a new fragment key (`#r2=`) beside the old one. Its JSON is built once from the template below with the
 * key table of wire format 1.
 */
export const DICTIONARY_TEMPLATE = {
  version: 1,
  createdAt: '2026-12-07T00:00:00.000Z',
  source: 'app',
  title: 'Benchmark of .onnx',
  models: [{ name: '.onnx', format: 'onnx', bytes: 0, sha256: null, summary: { parameters: 0, nodes: 0, opsets: 'ai.onnx 13', inputs: ['input float32 [batch, 3, 224, 224]'], outputs: ['output float32 [batch, 1000]'] } }],
  variants: [
    {
      model: 0,
      name: '.int8',
      recipe: 'int8 dynamic, per-channel',
      bytes: 0,
      gzipBytes: 0,
      sparsity: 0,
      degraded: false,
      reasons: ['output "logits": top-1 agreement % < 99% ( items)', 'not judged: '],
      rule: 'degraded when class-score top-1 agreement < 99% or dense-output cosine < 0.99',
    },
  ],
  environments: [{ host: 'Chrome 156 (Linux x86_64)', cores: 8, cpu: null, crossOriginIsolated: true, gpu: null, gpuFallback: false }],
  results: [
    {
      model: 0,
      variant: null,
      backend: 'wasm',
      threads: 1,
      runtime: 'onnxruntime-web/wasm 1.22.0',
      environment: 0,
      data: { name: '.npy (the sample\'s test split)', items: 2000, labelled: true },
      inputSpec: ['input float32 [1, 1, 28, 28]: batch=1 default (batch-like dim, default 1); values from the data (mnist-test-x.npy)', 'synthetic inputs, image-like: values in [0, 1) (seeded)'],
      coldStart: { createSessionMs: 21.7, firstRunMs: 3.1 },
      batches: [{ batch: 1, runs: 40, p50Ms: 1.1, p90Ms: 1.2, p99Ms: 1.5, itemsPerSecond: 900, medianCI: { lowerMs: 1, upperMs: 1.2, level: 0.95 }, minMs: null, maxMs: null }],
      modelBytes: 0,
      quality: { kind: 'accuracy', value: 99.1, lower: 98.6, upper: 99.4, label: 'top-1 accuracy' },
      notes: ['WebGPU ran on a software (fallback) adapter', 'onnxruntime-node 1.22.0', 'webgpu', 'fidelity', 'top-1 agreement with the original', 'the reference itself (100% by definition)'],
    },
  ],
  tco: {
    scenario: {
      version: 1,
      name: '',
      traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 },
      slo: { p99Ms: 150 },
      targetUtilization: 0.6,
      redundancy: 1,
      schedule: 'always-on',
      accuracyFloor: { maxDropPoints: 1 },
      targets: [
        { kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge', pricing: { model: 'on-demand' } },
        { kind: 'cloud', id: 'gcp', instance: 'gcp/n2-standard-4', pricing: { model: 'committed', discount: 0.37 } },
        { kind: 'owned', id: 'owned', name: 'server', purchasePrice: 9000, lifetimeYears: 4, residualFraction: 0.1, powerIdleW: 120, powerMaxW: 350, vcpus: 32, opexPerYear: 450 },
        { kind: 'edge', id: 'edge', powerIdleW: 2, powerMaxW: 15, devices: 1000 },
      ],
      storage: { modelVersions: 3, replicas: 2, retainedBytesPerRequest: 2000, retentionDays: 30 },
      network: { egressBytesPerRequest: 1500 },
      maintenance: { updatesPerYear: 6, hoursPerUpdate: 16 },
    },
    variantsFrom: 'results',
    figures: [
      { result: 0, variantId: '', targetId: 'aws', costPer1M: 1.5, monthly: [260.6, 3.18, 9.461, 0, 690.2], instances: 2, reason: null },
      { result: 1, variantId: '', targetId: 'gcp', costPer1M: 1.5, monthly: [178.6, 3.18, 9.461, 0, 690.2], instances: 2, reason: null },
    ],
  },
  chart: { x: 'cost', targetId: null, floorPoints: null },
  notes: [],
};
