/**
 * The embedded catalogue of the TCO calculator: cloud instances (price, vCPUs, memory, accelerator, power) and the
 * default figures (PUE, electricity, carbon, storage, egress, people). Every figure carries its source and date,
 * taken from /work/shared/design/tco-facts.md (sections noted as §n); the UI and the CLI show them next to the
 * number. Figures marked `estimate: true` are unsourced estimates (UE in tco-facts) or derived by a model (power).
 *
 * Pure data and pure functions: no Node or DOM.
 */

/** A default figure with where it comes from. `date` is the source's date or data date ("undated" when it has none). */
export interface DefaultFigure {
  value: number;
  unit: string;
  source: string;
  date: string;
  /** True for unsourced estimates and modelled figures. */
  estimate?: boolean;
  note?: string;
}

const fig = (value: number, unit: string, source: string, date: string, extra: { estimate?: boolean; note?: string } = {}): DefaultFigure => ({
  value,
  unit,
  source,
  date,
  ...extra,
});

// ---------------------------------------------------------------------------------------------------------------
// Power model inputs (tco-facts §2), used to derive each instance's idle and maximum watts.

const CCF = 'Cloud Carbon Footprint methodology (tco-facts §2)';

/** Watts per vCPU at idle and at 100% (CCF). */
export const CPU_WATTS_PER_VCPU = {
  aws: { idle: fig(0.74, 'W/vCPU', CCF, 'undated', { estimate: true }), max: fig(3.5, 'W/vCPU', CCF, 'undated', { estimate: true }) },
  gcp: { idle: fig(0.71, 'W/vCPU', CCF, 'undated', { estimate: true }), max: fig(4.26, 'W/vCPU', CCF, 'undated', { estimate: true }) },
  azure: { idle: fig(0.78, 'W/vCPU', CCF, 'undated', { estimate: true }), max: fig(3.76, 'W/vCPU', CCF, 'undated', { estimate: true }) },
} as const;

/** Memory power, constant (CCF). Applied per GiB of instance memory (GiB taken as GB: 7% difference, below the model's precision). */
export const MEMORY_WATTS_PER_GB = fig(0.392, 'W/GB', CCF, 'undated', { estimate: true });

export interface AcceleratorPower {
  name: string;
  idleW: DefaultFigure;
  maxW: DefaultFigure;
}

const GPU_IDLE_NOTE = 'idle = 11% of max, the CCF ratio (T4 8/71, A10G 18/153, A100 46/407)';

/** Per-accelerator idle and maximum watts (tco-facts §2). */
export const ACCELERATOR_POWER: Record<string, AcceleratorPower> = {
  T4: {
    name: 'NVIDIA T4',
    idleW: fig(8, 'W', 'CCF Methodology App. III', '2023-09', { estimate: true }),
    maxW: fig(71, 'W', 'CCF Methodology App. III', '2023-09', { estimate: true, note: 'NVIDIA T4 brief: 70 W TDP' }),
  },
  A10G: {
    name: 'NVIDIA A10G',
    idleW: fig(18, 'W', 'CCF Methodology App. III', '2023-09', { estimate: true }),
    maxW: fig(153, 'W', 'CCF Methodology App. III', '2023-09', { estimate: true }),
  },
  L4: {
    name: 'NVIDIA L4',
    idleW: fig(72 * 0.11, 'W', 'aiwiki.ai (72 W) × CCF idle ratio', '2026-06', { estimate: true, note: GPU_IDLE_NOTE }),
    maxW: fig(72, 'W', 'aiwiki.ai; fpsbench', '2026-06'),
  },
  A100: {
    name: 'NVIDIA A100',
    idleW: fig(46, 'W', 'CCF Methodology App. III', '2023-09', { estimate: true }),
    maxW: fig(407, 'W', 'CCF Methodology App. III', '2023-09', {
      estimate: true,
      note: 'spec: SXM 400 W, PCIe 250 W (40 GB) / 300 W (80 GB) (hmc-tech; GA-data)',
    }),
  },
  H100_SXM: {
    name: 'NVIDIA H100 SXM',
    idleW: fig(700 * 0.11, 'W', 'NVIDIA PB-11133 (700 W) × CCF idle ratio', '2022-11', { estimate: true, note: GPU_IDLE_NOTE }),
    maxW: fig(700, 'W', 'NVIDIA PB-11133', '2022-11'),
  },
  H100_NVL: {
    name: 'NVIDIA H100 NVL',
    idleW: fig(400 * 0.11, 'W', 'One Stop Systems (400 W) × CCF idle ratio', 'undated', { estimate: true, note: GPU_IDLE_NOTE }),
    maxW: fig(400, 'W', 'One Stop Systems; runpod', 'undated'),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Instances (tco-facts §1).

export type Provider = 'aws' | 'gcp' | 'azure';

export interface InstancePower {
  idleW: number;
  maxW: number;
  /** Always true: instance power is modelled, never measured. */
  estimate: true;
  /** The arithmetic, for display ("4 vCPU × 0.74 W + 8 GiB × 0.392 W/GB = 4.10 W"). */
  idleDerivation: string;
  maxDerivation: string;
  /** Set when a part's power is not in the sources (left out, so energy is understated). */
  incomplete?: string;
}

export interface CatalogueInstance {
  /** Stable id: `<provider>/<instance type>`. */
  id: string;
  provider: Provider;
  name: string;
  region?: string;
  vcpus: number;
  /** GiB; null when the source does not give it. */
  memoryGiB: number | null;
  accelerator: { count: number; model: string; memoryGB?: number } | null;
  /** USD per hour, on demand, Linux. */
  onDemandHourly: number;
  /** USD per hour, spot; null when the source has none. */
  spotHourly: number | null;
  power: InstancePower;
  source: string;
  date: string;
  /** Caveats: inferred specs, unsourced figures. */
  notes: string[];
}

const SRC = {
  aws: { source: 'aws/karpenter-provider-aws zz_generated.pricing_aws.go (AWS Pricing API); specs from its instance-types.md', date: '2026-07-20' },
  gcp: { source: 'cloudpilot-ai/karpenter-provider-gcp initial-prices.json (Cloud Billing API)', date: '2026-08-03' },
  azure: { source: 'Azure/karpenter-provider-azure zz_generated.pricing.go', date: '2026-06-18' },
} as const;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const w = (x: number) => `${round(x)} W`;

/** Idle and max watts of an instance: vCPUs × CCF W/vCPU + memory × 0.392 W/GB + accelerators (tco-facts §2, §8.6). */
export function instancePower(
  provider: Provider,
  vcpus: number,
  memoryGiB: number | null,
  accelerator: { count: number; key?: string; model: string } | null,
): InstancePower {
  const cpu = CPU_WATTS_PER_VCPU[provider];
  const mem = memoryGiB === null ? 0 : memoryGiB * MEMORY_WATTS_PER_GB.value;
  const acc = accelerator?.key ? ACCELERATOR_POWER[accelerator.key] : undefined;
  const accIdle = acc && accelerator ? accelerator.count * acc.idleW.value : 0;
  const accMax = acc && accelerator ? accelerator.count * acc.maxW.value : 0;
  const idle = vcpus * cpu.idle.value + mem + accIdle;
  const max = vcpus * cpu.max.value + mem + accMax;
  const parts = (perCpu: number, accW: number | undefined, total: number) =>
    [
      `${vcpus} vCPU × ${perCpu} W`,
      memoryGiB === null ? undefined : `${memoryGiB} GiB × ${MEMORY_WATTS_PER_GB.value} W/GB`,
      acc && accelerator && accW !== undefined ? `${accelerator.count} × ${acc.name} ${w(accW)}` : undefined,
    ]
      .filter(Boolean)
      .join(' + ') + ` = ${w(total)}`;
  const missing = [
    memoryGiB === null ? 'memory (size not in the source)' : undefined,
    accelerator && !acc ? `${accelerator.model} (power not in the sources)` : undefined,
  ].filter(Boolean);
  return {
    idleW: idle,
    maxW: max,
    estimate: true,
    idleDerivation: parts(cpu.idle.value, acc?.idleW.value, idle),
    maxDerivation: parts(cpu.max.value, acc?.maxW.value, max),
    ...(missing.length ? { incomplete: `left out: ${missing.join(', ')}; energy is understated` } : {}),
  };
}

interface Spec {
  provider: Provider;
  type: string;
  vcpus: number;
  memoryGiB: number | null;
  acc?: { count: number; model: string; key?: string; memoryGB?: number };
  od: number;
  spot?: number;
  region?: string;
  notes?: string[];
}

const SPECS: Spec[] = [
  { provider: 'aws', type: 'c7i.large', vcpus: 2, memoryGiB: 4, od: 0.08925 },
  { provider: 'aws', type: 'c7i.xlarge', vcpus: 4, memoryGiB: 8, od: 0.1785 },
  { provider: 'aws', type: 'c7g.xlarge', vcpus: 4, memoryGiB: 8, od: 0.145, notes: ['Graviton (Arm) CPU'] },
  { provider: 'aws', type: 'm7i.xlarge', vcpus: 4, memoryGiB: 16, od: 0.2016 },
  { provider: 'aws', type: 'g4dn.xlarge', vcpus: 4, memoryGiB: 16, acc: { count: 1, model: 'T4', key: 'T4', memoryGB: 16 }, od: 0.526 },
  { provider: 'aws', type: 'g5.xlarge', vcpus: 4, memoryGiB: 16, acc: { count: 1, model: 'A10G', key: 'A10G', memoryGB: 24 }, od: 1.006 },
  { provider: 'aws', type: 'g6.xlarge', vcpus: 4, memoryGiB: 16, acc: { count: 1, model: 'L4', key: 'L4', memoryGB: 24 }, od: 0.8048 },
  { provider: 'aws', type: 'inf2.xlarge', vcpus: 4, memoryGiB: 16, acc: { count: 1, model: 'Inferentia2', memoryGB: 32 }, od: 0.7582 },
  { provider: 'aws', type: 'p4d.24xlarge', vcpus: 96, memoryGiB: 1152, acc: { count: 8, model: 'A100', key: 'A100', memoryGB: 40 }, od: 21.958 },
  { provider: 'aws', type: 'p5.4xlarge', vcpus: 16, memoryGiB: 256, acc: { count: 1, model: 'H100', key: 'H100_SXM', memoryGB: 80 }, od: 6.88 },
  { provider: 'aws', type: 'p5.48xlarge', vcpus: 192, memoryGiB: 2048, acc: { count: 8, model: 'H100', key: 'H100_SXM', memoryGB: 80 }, od: 55.04 },
  {
    provider: 'gcp',
    type: 'n2-standard-4',
    vcpus: 4,
    memoryGiB: 16,
    od: 0.1942,
    spot: 0.0921,
    region: 'us-central1',
    notes: ['vCPU/RAM inferred from the machine-type name'],
  },
  { provider: 'gcp', type: 'c3-standard-4', vcpus: 4, memoryGiB: 16, od: 0.2016, spot: 0.0494, region: 'us-central1', notes: ['vCPU/RAM inferred from the machine-type name'] },
  {
    provider: 'gcp',
    type: 'g2-standard-4',
    vcpus: 4,
    memoryGiB: 16,
    acc: { count: 1, model: 'L4', key: 'L4', memoryGB: 24 },
    od: 0.7068,
    spot: 0.3973,
    region: 'us-central1',
    notes: ['vCPU/RAM inferred from the machine-type name'],
  },
  {
    provider: 'gcp',
    type: 'a2-highgpu-1g',
    vcpus: 12,
    memoryGiB: 85,
    acc: { count: 1, model: 'A100', key: 'A100', memoryGB: 40 },
    od: 3.6734,
    spot: 1.928,
    region: 'us-central1',
    notes: ['vCPU/RAM from skypilot-catalog'],
  },
  { provider: 'gcp', type: 'a3-highgpu-8g', vcpus: 208, memoryGiB: 1872, acc: { count: 8, model: 'H100', key: 'H100_SXM', memoryGB: 80 }, od: 88.49, spot: 50.61, region: 'us-central1' },
  {
    provider: 'azure',
    type: 'NC4as_T4_v3',
    vcpus: 4,
    memoryGiB: 28,
    acc: { count: 1, model: 'T4', key: 'T4', memoryGB: 16 },
    od: 0.526,
    region: 'eastus',
    notes: ['memory 28 GiB is an unsourced estimate'],
  },
  {
    provider: 'azure',
    type: 'NC24ads_A100_v4',
    vcpus: 24,
    memoryGiB: null,
    acc: { count: 1, model: 'A100', key: 'A100' },
    od: 3.673,
    region: 'eastus',
    notes: ['vCPUs inferred from the size name; memory not in the source'],
  },
  {
    provider: 'azure',
    type: 'NC40ads_H100_v5',
    vcpus: 40,
    memoryGiB: null,
    acc: { count: 1, model: 'H100 NVL', key: 'H100_NVL' },
    od: 6.98,
    region: 'eastus',
    notes: ['vCPUs inferred from the size name; memory not in the source'],
  },
  {
    provider: 'azure',
    type: 'ND96isr_H100_v5',
    vcpus: 96,
    memoryGiB: null,
    acc: { count: 8, model: 'H100', key: 'H100_SXM', memoryGB: 80 },
    od: 98.32,
    region: 'eastus',
    notes: ['vCPUs inferred from the size name; memory not in the source'],
  },
];

const PROVIDER_NAMES: Record<Provider, string> = { aws: 'AWS', gcp: 'GCP', azure: 'Azure' };

/** CPU and GPU instances of AWS, GCP and Azure (tco-facts §1). Spot is null where the source has no spot price. */
export const CATALOGUE: readonly CatalogueInstance[] = SPECS.map((s) => {
  const src = SRC[s.provider];
  const notes = [...(s.notes ?? [])];
  return {
    id: `${s.provider}/${s.type}`,
    provider: s.provider,
    name: `${PROVIDER_NAMES[s.provider]} ${s.type}`,
    ...(s.region ? { region: s.region } : {}),
    vcpus: s.vcpus,
    memoryGiB: s.memoryGiB,
    accelerator: s.acc ? { count: s.acc.count, model: s.acc.model, ...(s.acc.memoryGB ? { memoryGB: s.acc.memoryGB } : {}) } : null,
    onDemandHourly: s.od,
    spotHourly: s.spot ?? null,
    power: instancePower(s.provider, s.vcpus, s.memoryGiB, s.acc ?? null),
    source: src.source,
    date: src.date,
    notes,
  };
});

export function findInstance(id: string): CatalogueInstance | undefined {
  return CATALOGUE.find((i) => i.id === id);
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults for the scenario (tco-facts §3, §4, §5, §7, §8).

/** Data-centre PUE per cloud provider (CCF), used for the energy of cloud instances. */
export const CLOUD_PUE: Record<Provider, DefaultFigure> = {
  aws: fig(1.135, 'ratio', 'Cloud Carbon Footprint provider default (tco-facts §3)', 'undated'),
  gcp: fig(1.1, 'ratio', 'Cloud Carbon Footprint provider default (tco-facts §3); Google fleet 1.10 in 2023', 'undated'),
  azure: fig(1.185, 'ratio', 'Cloud Carbon Footprint provider default (tco-facts §3)', 'undated'),
};

const LOADED_RATE = (132930 * 1.35) / 2080;

export const DEFAULTS = {
  /** PUE of owned hardware in a colocation or own data centre. */
  pueOwned: fig(1.56, 'ratio', 'Uptime Institute 2024 survey, via GA-data default_PUE.csv (tco-facts §3)', '2024'),
  /** Users' devices: no data-centre overhead. A definition, not a measurement. */
  pueEdge: fig(1, 'ratio', "definition: users' own devices have no data-centre overhead", 'n/a'),
  electricityPrice: fig(0.0806, 'USD/kWh', 'US industrial average 8.06 ¢/kWh (EIA Electric Power Annual, via Statista; tco-facts §4)', '2024-10-17', {
    note: 'data year 2023; US commercial ≈ 12.7 ¢ (unsourced); EU non-household ≈ €0.20 (Eurostat, 2H 2023)',
  }),
  gridIntensity: fig(345, 'gCO2e/kWh', 'US grid average, 760 lb/MWh (EIA via Statista; GA-data CI_aggregated.csv; tco-facts §4)', '2023', {
    note: 'world 481, Germany 381, France 56 (Ember 2023, via OWID)',
  }),
  storagePrice: fig(0.023, 'USD/GB-month', 'AWS S3 Standard, first 50 TB (AWS price summaries: devnotes.tech, deepeshsoni.com; tco-facts §5)', 'undated', {
    note: 'GCS Standard ≈ $0.020/GiB-month (read 2026-09-20)',
  }),
  egressPrice: fig(0.09, 'USD/GB', 'AWS internet egress, first 10 TB (AWS price summaries; tco-facts §5)', 'undated', {
    note: 'flat rate: $0.085 next 40 TB, $0.07 next 100 TB; GCP Premium $0.12/GiB; CloudFront US $0.085/GB',
  }),
  colocationPerKWMonth: fig(200, 'USD/kW-month', 'midpoint of $150–250 per kW-month (third-party blogs, tco-facts §8.7)', '2026', {
    estimate: true,
    note: "applied to the hardware's maximum power",
  }),
  loadedHourlyRate: fig(LOADED_RATE, 'USD/h', 'BLS OEWS software developers mean wage $132,930/yr (tco-facts §7)', '2022-05', {
    estimate: true,
    note: '× 1.35 loaded overhead (unsourced, midpoint of 1.3–1.4) ÷ 2,080 h/yr = $86.28/h; 2024 mean $144,570',
  }),
} as const satisfies Record<string, DefaultFigure>;

export type DefaultKey = keyof typeof DEFAULTS;

/** Hours in an average month: 8,760 h/yr ÷ 12 (tco-facts §8.5). */
export const HOURS_PER_MONTH = 730;
