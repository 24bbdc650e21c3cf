/**
 * The publications the catalogue's figures come from: for each, the original publisher, the title, the address and
 * a date (when it was published, or when the figure was read in it). The UI shows them next to every default, and
 * `pareto tco` prints them. `catalogue.test.ts` checks that every figure names one in full.
 *
 * Pure data: no Node or DOM.
 */

/** Where a figure comes from. */
export interface SourceRef {
  /** Who published it (the original publisher, not a site that repeats it). */
  publisher: string;
  /** The publication, and the part of it the figure is in. */
  title: string;
  /** Its address. */
  url: string;
  /** ISO date, YYYY-MM-DD or YYYY-MM. */
  date: string;
  /** published: the publication's date (or the date its data was generated); read: when the figure was read in it. */
  dateKind: 'published' | 'read';
  /** Where the figure was read, when not on the publisher's own page (a copy or summary of it). */
  via?: string;
}

/** The same publication, another part of it. */
const part = (s: SourceRef, title: string): SourceRef => ({ ...s, title: `${s.title}: ${title}` });

const CCF: SourceRef = {
  publisher: 'Cloud Carbon Footprint (Thoughtworks)',
  title: 'Methodology',
  url: 'https://www.cloudcarbonfootprint.org/docs/methodology',
  date: '2023-09',
  dateKind: 'published',
};

const EIA = 'U.S. Energy Information Administration (EIA)';

const AWS_S3: SourceRef = {
  publisher: 'Amazon Web Services',
  title: 'Amazon S3 pricing',
  url: 'https://aws.amazon.com/s3/pricing/',
  date: '2026-12-06',
  dateKind: 'read',
  via: 'devnotes.tech, "Understanding AWS S3 Pricing: A Complete Cost Breakdown with Examples" (the AWS page fills in its prices in the browser)',
};

export const SOURCES = {
  /** CPU watts per vCPU (SPECpower averages per provider). */
  ccfCompute: part(CCF, 'Compute, average min and max watts per vCPU by provider'),
  ccfMemory: part(CCF, 'Memory, 0.392 W per GB'),
  /** GPU watts at 0% and 100% (from the Teads data set, on TechPowerUp figures). */
  ccfGpus: part(CCF, 'Appendix III, GPU min and max watts'),
  ccfPue: part(CCF, 'Power Usage Effectiveness, provider defaults'),
  /** The instance power model as a whole: vCPUs × W/vCPU + memory × W/GB + GPUs. */
  ccfModel: part(CCF, 'Compute, Memory and Appendix III (energy = min W + utilisation × (max W − min W))'),

  nvidiaH100: {
    publisher: 'NVIDIA',
    title: 'NVIDIA H100 Tensor Core GPU, specifications (max TDP: H100 SXM up to 700 W, H100 NVL 350–400 W)',
    url: 'https://www.nvidia.com/en-us/data-center/h100/',
    date: '2026-12-06',
    dateKind: 'read',
    via: 'the specification table as copied at gpu.blog/gpus/nvidia-h100-sxm and gpu.blog/gpus/nvidia-h100-nvl',
  },
  nvidiaL4: {
    publisher: 'NVIDIA',
    title: 'NVIDIA L4 Tensor Core GPU, specifications (max thermal design power 72 W)',
    url: 'https://www.nvidia.com/en-us/data-center/l4/',
    date: '2026-12-06',
    dateKind: 'read',
    via: 'AI Wiki, "NVIDIA L4" (aiwiki.ai/wiki/nvidia_l4, reviewed 2026-06-03)',
  },

  awsPrices: {
    publisher: 'Amazon Web Services (AWS Price List API), as generated into the Karpenter AWS provider',
    title: 'zz_generated.pricing_aws.go, on-demand Linux prices; vCPUs and memory from its instance-types.md',
    url: 'https://github.com/aws/karpenter-provider-aws/blob/main/pkg/providers/pricing/zz_generated.pricing_aws.go',
    date: '2026-07-20',
    dateKind: 'published',
  },
  gcpPrices: {
    publisher: 'Google Cloud (Cloud Billing API), as collected by the cloudpilot-ai Karpenter GCP provider',
    title: 'initial-prices.json, on-demand and spot prices, us-central1',
    url: 'https://github.com/cloudpilot-ai/karpenter-provider-gcp/blob/main/pkg/providers/pricing/initial-prices.json',
    date: '2026-08-03',
    dateKind: 'published',
  },
  azurePrices: {
    publisher: 'Microsoft Azure (Retail Prices API), as generated into the Karpenter Azure provider',
    title: 'zz_generated.pricing.go, on-demand Linux prices, eastus',
    url: 'https://github.com/Azure/karpenter-provider-azure/blob/main/pkg/providers/pricing/zz_generated.pricing.go',
    date: '2026-06-18',
    dateKind: 'published',
  },

  uptime2024: {
    publisher: 'Uptime Institute',
    title: 'Uptime Institute Global Data Center Survey Results 2024 (average annual PUE 1.56)',
    url: 'https://uptimeinstitute.com/resources/research-and-reports/uptime-institute-global-data-center-survey-results-2024',
    date: '2024-07',
    dateKind: 'published',
  },
  isoPue: {
    publisher: 'ISO/IEC',
    title: 'ISO/IEC 30134-2:2016, Data centres: key performance indicators, Part 2: Power usage effectiveness (PUE)',
    url: 'https://www.iso.org/standard/63451.html',
    date: '2016-04',
    dateKind: 'published',
  },
  eiaPrice: {
    publisher: EIA,
    title: 'Electric Power Annual 2023, Table 2.4: Average price of electricity to ultimate customers by end-use sector',
    url: 'https://www.eia.gov/electricity/annual/html/epa_02_04.html',
    date: '2024-10-17',
    dateKind: 'published',
  },
  eiaCo2: {
    publisher: EIA,
    title: 'How much carbon dioxide is produced per kilowatthour of U.S. electricity generation? (FAQ, 2023 data)',
    url: 'https://www.eia.gov/tools/faqs/faq.php?id=74&t=11',
    date: '2026-12-06',
    dateKind: 'read',
  },
  awsStorage: part(AWS_S3, 'S3 Standard, first 50 TB a month'),
  awsEgress: part(AWS_S3, 'data transfer out to the internet, first 10 TB a month'),
  colocation: {
    publisher: 'Encor Advisors',
    title: 'Data Center Colocation Pricing: 2026 Cost Per Rack & kW (250–500 kW deployments ≈ $196 per kW a month, H2 2025)',
    url: 'https://encoradvisors.com/data-center-colocation-pricing/',
    date: '2026-12-06',
    dateKind: 'read',
  },
  blsWage: {
    publisher: 'U.S. Bureau of Labor Statistics',
    title: 'Occupational Employment and Wages, May 2022: 15-1252 Software Developers (mean annual wage $132,930)',
    url: 'https://www.bls.gov/oes/2022/may/oes151252.htm',
    date: '2023-04-25',
    dateKind: 'published',
  },
} as const satisfies Record<string, SourceRef>;
