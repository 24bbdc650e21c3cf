/**
 * The embedded catalogue of the TCO calculator: cloud instances (price, vCPUs, memory, accelerator, power) and the
 * default figures (PUE, electricity, carbon, storage, egress, people). Every figure names its source (sources.ts:
 * publisher, title, address, date); the UI and the CLI show it next to the number. Figures marked `estimate: true`
 * are estimates or modelled (power); figures marked `derived` are computed from their source, and say how.
 *
 * Pure data and pure functions: no Node or DOM.
 */
import { SOURCES, type SourceRef } from './sources';

/** A default figure with where it comes from. */
export interface DefaultFigure {
  value: number;
  unit: string;
  source: SourceRef;
  /** Set when the value is not printed in the source but computed from it (by a model or arithmetic): how. */
  derived?: string;
  /** True for estimates and modelled figures. */
  estimate?: boolean;
  note?: string;
}

const fig = (value: number, unit: string, source: SourceRef, extra: { derived?: string; estimate?: boolean; note?: string } = {}): DefaultFigure => ({
  value,
  unit,
  source,
  ...extra,
});

// ---------------------------------------------------------------------------------------------------------------
// Power model inputs (the Cloud Carbon Footprint method), used to derive each instance's idle and maximum watts.

const perVcpu = (value: number) => fig(value, 'W/vCPU', SOURCES.ccfCompute, { estimate: true });

/** Watts per vCPU at idle and at 100% (CCF averages over each provider's CPU micro-architectures). */
export const CPU_WATTS_PER_VCPU = {
  aws: { idle: perVcpu(0.74), max: perVcpu(3.5) },
  gcp: { idle: perVcpu(0.71), max: perVcpu(4.26) },
  azure: { idle: perVcpu(0.78), max: perVcpu(3.76) },
} as const;

/** Memory power, constant (CCF). Applied per GiB of instance memory (GiB taken as GB: 7% difference, below the model's precision). */
export const MEMORY_WATTS_PER_GB = fig(0.392, 'W/GB', SOURCES.ccfMemory, { estimate: true });

export interface AcceleratorPower {
  name: string;
  idleW: DefaultFigure;
  maxW: DefaultFigure;
}

/** A CCF Appendix III figure (modelled watts at 0% and 100%). */
const ccfGpu = (value: number, note?: string) => fig(value, 'W', SOURCES.ccfGpus, { estimate: true, ...(note ? { note } : {}) });

/** Idle watts of a GPU the CCF appendix lacks: its maximum × 0.11, the appendix's idle/max ratio. */
const idleFromMax = (maxW: number, maxFrom: string) =>
  fig(maxW * 0.11, 'W', SOURCES.ccfGpus, {
    estimate: true,
    derived: `${maxW} W (${maxFrom}) × 0.11, the idle/max ratio of the GPUs in CCF Appendix III (T4 8/71, A10G 18/153, A100 46/407)`,
  });

/** Per-accelerator idle and maximum watts. */
export const ACCELERATOR_POWER: Record<string, AcceleratorPower> = {
  T4: { name: 'NVIDIA T4', idleW: ccfGpu(8), maxW: ccfGpu(71, 'NVIDIA rates the T4 at 70 W TDP') },
  A10G: { name: 'NVIDIA A10G', idleW: ccfGpu(18), maxW: ccfGpu(153) },
  L4: { name: 'NVIDIA L4', idleW: idleFromMax(72, 'NVIDIA L4 maximum'), maxW: fig(72, 'W', SOURCES.nvidiaL4) },
  A100: {
    name: 'NVIDIA A100',
    idleW: ccfGpu(46),
    maxW: ccfGpu(407, 'NVIDIA rates the A100 SXM at 400 W, PCIe at 250 W (40 GB) / 300 W (80 GB)'),
  },
  H100_SXM: { name: 'NVIDIA H100 SXM', idleW: idleFromMax(700, 'NVIDIA H100 SXM maximum'), maxW: fig(700, 'W', SOURCES.nvidiaH100) },
  H100_NVL: {
    name: 'NVIDIA H100 NVL',
    idleW: idleFromMax(400, 'NVIDIA H100 NVL maximum'),
    maxW: fig(400, 'W', SOURCES.nvidiaH100, { note: 'the top of its configurable 350–400 W range' }),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Instances.

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
  /** The method the watts are derived with (the Cloud Carbon Footprint model). */
  source: SourceRef;
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
  /** Where the price (and the vCPUs and memory) come from. */
  source: SourceRef;
  /** Caveats: inferred specs, unsourced figures. */
  notes: string[];
}

const PRICES: Record<Provider, SourceRef> = { aws: SOURCES.awsPrices, gcp: SOURCES.gcpPrices, azure: SOURCES.azurePrices };

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const w = (x: number) => `${round(x)} W`;

/** Idle and max watts of an instance: vCPUs × CCF W/vCPU + memory × 0.392 W/GB + accelerators (the CCF model). */
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
    source: SOURCES.ccfModel,
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

/** CPU and GPU instances of AWS, GCP and Azure. Spot is null where the source has no spot price. */
export const CATALOGUE: readonly CatalogueInstance[] = SPECS.map((s) => {
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
    source: PRICES[s.provider],
    notes,
  };
});

export function findInstance(id: string): CatalogueInstance | undefined {
  return CATALOGUE.find((i) => i.id === id);
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults for the scenario.

/** Data-centre PUE per cloud provider (CCF), used for the energy of cloud instances. */
export const CLOUD_PUE: Record<Provider, DefaultFigure> = {
  aws: fig(1.135, 'ratio', SOURCES.ccfPue),
  gcp: fig(1.1, 'ratio', SOURCES.ccfPue, { note: 'Google reports a fleet PUE of 1.10 for 2023' }),
  azure: fig(1.185, 'ratio', SOURCES.ccfPue),
};

const LOADED_RATE = (132930 * 1.35) / 2080;

export const DEFAULTS = {
  /** PUE of owned hardware in a colocation or own data centre. */
  pueOwned: fig(1.56, 'ratio', SOURCES.uptime2024),
  /** Users' devices: no data-centre overhead. A definition, not a measurement. */
  pueEdge: fig(1, 'ratio', SOURCES.isoPue, {
    derived: "PUE = facility energy ÷ IT equipment energy; a user's own device has no facility around it, so 1 by definition",
  }),
  electricityPrice: fig(0.0806, 'USD/kWh', SOURCES.eiaPrice, {
    note: 'US industrial average, data year 2023; commercial ≈ 12.7 ¢ (estimate); EU non-household ≈ €0.20 (Eurostat, 2H 2023)',
  }),
  gridIntensity: fig(345, 'gCO2e/kWh', SOURCES.eiaCo2, {
    derived: '760 lb CO2/MWh, the 2023 US average from EIA data (as charted by Statista), × 0.4536 kg/lb = 345 g/kWh; the FAQ gives 0.81 lb/kWh (367 g) for utility-scale plants alone',
    note: 'world 481, Germany 381, France 56 (Ember, 2023 data)',
  }),
  storagePrice: fig(0.023, 'USD/GB-month', SOURCES.awsStorage, { note: 'GCS Standard ≈ $0.020/GiB-month' }),
  egressPrice: fig(0.09, 'USD/GB', SOURCES.awsEgress, {
    note: 'flat rate: $0.085 next 40 TB, $0.07 next 100 TB; GCP Premium $0.12/GiB; CloudFront US $0.085/GB',
  }),
  colocationPerKWMonth: fig(200, 'USD/kW-month', SOURCES.colocation, {
    estimate: true,
    derived: '$196 per kW a month (250–500 kW, H2 2025), rounded to $200',
    note: "applied to the hardware's maximum power",
  }),
  loadedHourlyRate: fig(LOADED_RATE, 'USD/h', SOURCES.blsWage, {
    estimate: true,
    derived: '$132,930/yr × 1.35 loaded overhead ÷ 2,080 h/yr = $86.28/h; the 1.35 (midpoint of 1.3–1.4) is an estimate, not from BLS',
    note: 'the May 2024 mean is $144,570',
  }),
} as const satisfies Record<string, DefaultFigure>;

export type DefaultKey = keyof typeof DEFAULTS;

/** Hours in an average month: 8,760 h a year ÷ 12. */
export const HOURS_PER_MONTH = 730;
