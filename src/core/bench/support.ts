/**
 * Which nodes of a model each onnxruntime-web backend runs natively, which fall back to the CPU, and which cannot run,
 * from the op tables in support-data.ts: shown per variant and backend before a benchmark is paid for.
 *
 * Rules (what onnxruntime-web 1.30 does, checked in Node and Chromium by support.test.ts):
 * - wasm: the CPU execution provider runs every op in its table; a node it has no kernel for makes session creation
 *   fail. ONNX function ops without a kernel (HardSwish, Mish, CastLike, ...) are expanded into primitive ops.
 * - webgpu (JSEP, the default import): nodes without a WebGPU kernel are assigned to the CPU EP of the same build,
 *   with MemcpyToHost/MemcpyFromHost copies wherever a tensor crosses between the two. A model whose ai.onnx opset is
 *   under 7 (or that imports none) gets no WebGPU node at all: ORT's layout transformer, which the WebGPU EP needs,
 *   covers opset 7+ only ("JsExecutionProvider cannot be used with this model due to its ONNX opset not being supported
 *   by the layout transformer"), so every node runs on the CPU EP. JSEP's Conv throws at run when the node leaves
 *   dilations or strides to their defaults ("dilations should be 2D"): a run-fails issue.
 * - webgl (onnxjs): no fallback; the first node without a kernel fails session creation.
 * - onnxruntime (wasm, webgpu) folds nodes whose inputs are all constant at load (except DequantizeLinear, which it
 *   keeps for QDQ fusion), turns Constant nodes into initializers and removes Identity/Dropout: those never run.
 * The decision is by op type, domain and opset, not by tensor element types: a node whose types a kernel lacks
 * (e.g. int64 arithmetic on WebGPU) may still be placed on the CPU by ORT.
 */
import type { GraphProto, ModelProto, NodeProto, TypeProto } from '../formats/onnx/proto';
import { graphsOf } from '../formats/onnx/walk';
import { ORT_EXPANDED_FUNCTIONS, SUPPORT_TABLES, WEBGL_LOADABLE_TYPES, type OpList, type OpRange, type OpTable } from './support-data';

export type Backend = 'wasm' | 'webgpu' | 'webgl';
export const BACKENDS: readonly Backend[] = ['wasm', 'webgpu', 'webgl'];

export interface NodeRef {
  /** Graph path from graphsOf: "main", or e.g. "main/If_0.then_branch". */
  graph: string;
  /** Index of the node in its graph. */
  index: number;
  /** The node's name, or `${opType}_${index}` when it has none. */
  name: string;
  opType: string;
  /** 'ai.onnx' for the default domain. */
  domain: string;
  /** The model's opset for the node's domain. */
  opset: number;
  /** Why the node falls back or cannot run. */
  reason?: string;
  /** For native nodes: how it runs when that is not a plain kernel call (constant-folded, expanded, ...). */
  note?: string;
}

export interface SupportIssue {
  /** 'load-fails': session creation throws; 'run-fails': it loads but run() throws; 'note': worth knowing. */
  kind: 'load-fails' | 'run-fails' | 'note';
  message: string;
}

export interface OpCount {
  domain: string;
  opType: string;
  status: 'native' | 'fallback' | 'unsupported';
  count: number;
}

export interface BackendSupport {
  backend: Backend;
  /** The runtime and build the answer is for. */
  runtime: string;
  native: NodeRef[];
  /** Nodes that run on the CPU EP instead (webgpu only). */
  fallback: NodeRef[];
  /** Nodes no kernel can run: the session would fail to load. */
  unsupported: NodeRef[];
  summary: {
    nodes: number;
    native: number;
    fallback: number;
    unsupported: number;
    /** webgpu: tensors that cross between GPU and CPU nodes per run (each one a copy); 0 elsewhere. */
    transfers: number;
  };
  /** Node counts by op and status, most frequent first. */
  ops: OpCount[];
  issues: SupportIssue[];
  /** Whether session creation is expected to succeed. */
  loads: boolean;
  /** webgpu: why onnxruntime-web uses no WebGPU at all for this model (every node on its CPU EP), when that is so. */
  gpuUnused?: string;
  verdict: string;
}

const DEFAULT_DOMAIN = 'ai.onnx';
const normDomain = (d: string) => (d === '' || d === 'ai.onnx' ? DEFAULT_DOMAIN : d);

/** Ops ORT never folds at load: it keeps DequantizeLinear for QDQ fusion; random ops and control flow are not constant. */
const NOT_FOLDED = new Set([
  'DequantizeLinear', 'If', 'Loop', 'Scan', 'SequenceMap', 'RandomNormal', 'RandomUniform', 'RandomNormalLike',
  'RandomUniformLike', 'Multinomial', 'Bernoulli',
]);

function isList(list: OpList): list is readonly string[] {
  return Array.isArray(list);
}

function rangeOf(table: OpTable, domain: string, op: string): OpRange | undefined {
  const list = table.domains[domain];
  if (!list) return undefined;
  if (isList(list)) return list.includes(op) ? [1] : undefined;
  return Object.hasOwn(list, op) ? list[op] : undefined;
}

const inRange = (r: OpRange, v: number) => v >= r[0] && (r[1] === undefined || v <= r[1]);
const fmtRange = (r: OpRange) => (r[1] === undefined ? `${r[0]}+` : r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`);

type Kernel = { ok: true; range: OpRange } | { ok: false; range?: OpRange };

function kernel(table: OpTable, domain: string, op: string, opset: number): Kernel {
  const range = rangeOf(table, domain, op);
  return range && inRange(range, opset) ? { ok: true, range } : { ok: false, range };
}

function expanded(domain: string, op: string, opset: number): boolean {
  const r = domain === DEFAULT_DOMAIN && Object.hasOwn(ORT_EXPANDED_FUNCTIONS, op) ? ORT_EXPANDED_FUNCTIONS[op] : undefined;
  return !!r && inRange(r, opset);
}

const noKernel = (what: string, op: string, domain: string, opset: number, k: Kernel) =>
  `no ${what} kernel for op ${op} in domain ${domain} at opset ${opset}` +
  (k.range ? ` (its kernel covers opset ${fmtRange(k.range)})` : '');

interface Scope {
  path: string;
  graph: GraphProto;
  /** Tensor names constant in this graph: initializers that are not (overridable) graph inputs, folded outputs. */
  constants: Set<string>;
  /** This graph's inputs, which hide outer names. */
  inputs: Set<string>;
  /** The scope of the node that owns this subgraph: its constants are visible here. */
  parent?: Scope;
}

function isConstant(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.parent) {
    if (s.constants.has(name)) return true;
    if (s.inputs.has(name)) return false;
  }
  return false;
}

/** Every graph with the tensors that are constant inside it. */
function scopesOf(model: ModelProto): Scope[] {
  const scopes: Scope[] = [];
  const scopeOfNode = new Map<NodeProto, Scope>();
  for (const s of graphsOf(model)) {
    const inputs = new Set(s.graph.input.map((i) => i.name));
    const constants = new Set<string>();
    for (const t of s.graph.initializer) if (!inputs.has(t.name)) constants.add(t.name);
    for (const t of s.graph.sparseInitializer) {
      const name = t.values?.name;
      if (name && !inputs.has(name)) constants.add(name);
    }
    const scope: Scope = { path: s.path, graph: s.graph, constants, inputs, parent: s.owner ? scopeOfNode.get(s.owner) : undefined };
    for (const n of s.graph.node) scopeOfNode.set(n, scope);
    scopes.push(scope);
  }
  return scopes;
}

function opsetsOf(model: ModelProto): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of model.opsetImport) m.set(normDomain(o.domain), Number(o.version));
  return m;
}

interface Decision {
  status: 'native' | 'fallback' | 'unsupported';
  reason?: string;
  note?: string;
  /** Never runs per inference (folded, an initializer, removed): no device side. */
  inert?: boolean;
}

interface NodeCtx {
  node: NodeProto;
  domain: string;
  opset: number;
  scope: Scope;
  graphOutputs: Set<string>;
  localFunction: boolean;
  tooNew?: string;
  /** webgpu: why the WebGPU EP takes no node of this model (then every node runs as on wasm, on the CPU EP). */
  gpuUnused?: string;
}

function decideOrt(backend: 'wasm' | 'webgpu', c: NodeCtx): Decision {
  if (backend === 'webgpu' && c.gpuUnused) {
    const d = decideOrt('wasm', c);
    return d.status === 'native' && !d.inert ? { status: 'fallback', reason: `${c.gpuUnused}: runs on the CPU EP` } : d;
  }
  const { node, domain, opset } = c;
  const op = node.opType;
  if (c.tooNew) return { status: 'unsupported', reason: c.tooNew };
  if (domain === DEFAULT_DOMAIN && op === 'Constant') return { status: 'native', note: 'becomes an initializer at load', inert: true };
  if (c.localFunction) return { status: 'native', note: 'model-local function: ORT inlines it (its body is not analysed here)' };

  const cpu = kernel(SUPPORT_TABLES.wasm, domain, op, opset);
  const cpuRuns = cpu.ok || expanded(domain, op, opset);
  const gpu = backend === 'webgpu' ? kernel(SUPPORT_TABLES.webgpu, domain, op, opset) : undefined;
  if (!cpuRuns && !gpu?.ok) {
    const why = noKernel('CPU (wasm)', op, domain, opset, cpu);
    return {
      status: 'unsupported',
      reason: `${why}${gpu ? ' and no WebGPU kernel either' : ''}: session creation fails`,
    };
  }
  if (domain === DEFAULT_DOMAIN && (op === 'Identity' || op === 'Dropout') && !node.output.some((o) => c.graphOutputs.has(o))) {
    return { status: 'native', note: 'removed by ORT graph optimizations', inert: true };
  }
  const inputs = node.input.filter((i) => i !== '');
  if (cpuRuns && inputs.length > 0 && !NOT_FOLDED.has(op) && inputs.every((i) => isConstant(c.scope, i))) {
    return { status: 'native', note: 'all inputs constant: ORT folds it at load (runs once, on the CPU)', inert: true };
  }
  if (!gpu) {
    return cpu.ok ? { status: 'native' } : { status: 'native', note: 'ONNX function without a kernel: ORT expands it into primitive ops' };
  }
  if (gpu.ok) {
    const note = SUPPORT_TABLES.webgpu.notes[op];
    return note ? { status: 'native', note } : { status: 'native' };
  }
  const why = noKernel('WebGPU', op, domain, opset, gpu);
  return {
    status: 'fallback',
    reason: cpu.ok
      ? `${why}: runs on the CPU EP`
      : `${why}: ORT expands this ONNX function into primitive ops, which may run on the GPU or the CPU`,
  };
}

function decideWebgl(c: NodeCtx): Decision {
  const { node, domain, opset } = c;
  const op = node.opType;
  if (domain === DEFAULT_DOMAIN && op === 'Constant') return { status: 'native', note: 'becomes an initializer at load', inert: true };
  const k = kernel(SUPPORT_TABLES.webgl, domain, op, opset);
  if (k.ok) {
    const note = SUPPORT_TABLES.webgl.notes[op];
    return note ? { status: 'native', note } : { status: 'native' };
  }
  return {
    status: 'unsupported',
    reason:
      `${noKernel('WebGL', op, domain, opset, k)}: WebGL has no CPU fallback, session creation throws ` +
      `"cannot resolve operator '${op}'"`,
  };
}

function tensorType(t: TypeProto | undefined): { elem?: number; dims?: ({ value?: bigint; param?: string } | undefined)[] } {
  if (t?.value.case !== 'tensorType') return {};
  const tt = t.value.value;
  return {
    elem: tt.elemType,
    dims: tt.shape?.dim.map((d) =>
      d.value.case === 'dimValue' ? { value: d.value.value } : d.value.case === 'dimParam' ? { param: d.value.value } : undefined,
    ),
  };
}

const TYPE_NAMES: Record<number, string> = {
  10: 'float16', 16: 'bfloat16', 14: 'complex64', 15: 'complex128', 17: 'float8e4m3fn', 18: 'float8e4m3fnuz',
  19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};

function webglIssues(model: ModelProto, scopes: Scope[]): SupportIssue[] {
  const issues: SupportIssue[] = [];
  const loadable = new Set(WEBGL_LOADABLE_TYPES);
  const bad = new Map<number, string[]>();
  const see = (elem: number | undefined, name: string) => {
    if (elem === undefined || elem === 0 || loadable.has(elem)) return;
    const names = bad.get(elem) ?? [];
    names.push(name);
    bad.set(elem, names);
  };
  for (const s of scopes) {
    for (const t of s.graph.initializer) see(t.dataType, t.name);
    for (const v of [...s.graph.input, ...s.graph.output]) see(tensorType(v.type).elem, v.name);
  }
  for (const [elem, names] of bad) {
    const type = TYPE_NAMES[elem] ?? `type ${elem}`;
    issues.push({
      kind: 'load-fails',
      message:
        `${names.length} ${type} tensor${names.length > 1 ? 's' : ''} (e.g. '${names[0]}'): the WebGL engine cannot load ` +
        `them ("unsupported data type")`,
    });
  }
  const g = model.graph;
  if (g) {
    const inits = new Set(g.initializer.map((t) => t.name));
    for (const i of g.input) {
      if (inits.has(i.name)) continue;
      const dims = tensorType(i.type).dims;
      const symbolic = dims?.filter((d) => d?.value === undefined) ?? [];
      if (symbolic.length > 0) {
        const label = symbolic.map((d) => (d?.param ? `'${d.param}'` : '?')).join(', ');
        issues.push({
          kind: 'run-fails',
          message:
            `input '${i.name}' has symbolic dims (${label}): onnxruntime-web 1.30's WebGL backend loads the model but ` +
            `run() rejects every input ("input tensor[0] check failed"); fix the dims (e.g. batch 1) to use WebGL`,
        });
      }
    }
  }
  return issues;
}

/** GPU<->CPU boundaries: tensors produced on one side and read on the other, within each graph. */
function countTransfers(scopes: Scope[], sides: Map<NodeProto, 'gpu' | 'cpu' | undefined>): number {
  let n = 0;
  for (const s of scopes) {
    const producer = new Map<string, 'gpu' | 'cpu' | undefined>();
    for (const node of s.graph.node) for (const o of node.output) if (o) producer.set(o, sides.get(node));
    const crossings = new Set<string>();
    for (const node of s.graph.node) {
      const side = sides.get(node);
      if (!side) continue;
      for (const i of node.input) {
        const from = i ? producer.get(i) : undefined;
        if (from && from !== side) crossings.add(`${i}\u0000${side}`);
      }
    }
    n += crossings.size;
  }
  return n;
}

function opsList(refs: NodeRef[], max = 4): string {
  const counts = new Map<string, number>();
  for (const r of refs) counts.set(r.opType, (counts.get(r.opType) ?? 0) + 1);
  const items = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = items.slice(0, max).map(([op, k]) => (k > 1 ? `${op} ×${k}` : op));
  if (items.length > max) shown.push(`${items.length - max} more op type${items.length - max > 1 ? 's' : ''}`);
  return shown.join(', ');
}

function verdictOf(backend: Backend, r: Omit<BackendSupport, 'verdict' | 'loads'>, loads: boolean): string {
  const { nodes, fallback, transfers } = r.summary;
  const loadIssues = r.issues.filter((i) => i.kind === 'load-fails');
  const runIssues = r.issues.filter((i) => i.kind === 'run-fails');
  const label = backend === 'wasm' ? 'wasm (CPU)' : backend === 'webgpu' ? 'WebGPU' : 'WebGL';
  if (!loads) {
    const parts: string[] = [];
    if (r.unsupported.length > 0) {
      parts.push(`${r.unsupported.length} of ${nodes} node${nodes > 1 ? 's' : ''} have no kernel (${opsList(r.unsupported)})`);
    }
    for (const i of loadIssues) parts.push(i.message);
    const tail = backend === 'webgl' ? ' WebGL has no CPU fallback.' : '';
    return `Will not load on ${label}: ${parts.join('; ')}.${tail}`;
  }
  if (runIssues.length > 0) return `Loads on ${label} but will not run: ${runIssues.map((i) => i.message).join('; ')}.`;
  if (r.gpuUnused) {
    return `Not on WebGPU: ${r.gpuUnused}, so all ${nodes} node${nodes === 1 ? '' : 's'} run on its CPU EP; a WebGPU benchmark of it measures the CPU.`;
  }
  if (fallback > 0) {
    return (
      `Partly on WebGPU: ${fallback} of ${nodes} nodes fall back to the CPU (${opsList(r.fallback)}), with about ` +
      `${transfers} GPU↔CPU cop${transfers === 1 ? 'y' : 'ies'} per run. Expect it to be slower than a graph that stays ` +
      'on the GPU: measure before trusting a speed-up.'
    );
  }
  return `Runs entirely on ${label}: all ${nodes} node${nodes === 1 ? '' : 's'} have ${label} kernels.`;
}

/** Which nodes of `model` run natively on `backend`, fall back to the CPU, or cannot run; with a one-line verdict. */
export function backendSupport(model: ModelProto, backend: Backend): BackendSupport {
  const table = SUPPORT_TABLES[backend];
  const opsets = opsetsOf(model);
  const scopes = scopesOf(model);
  const issues: SupportIssue[] = [];
  const localFunctions = new Set(model.functions.map((f) => `${normDomain(f.domain)}\u0000${f.name}`));
  const graphOutputs = new Set(model.graph?.output.map((o) => o.name) ?? []);

  const tooNew = new Map<string, string>();
  if (table.maxOpset) {
    for (const [domain, v] of opsets) {
      const max = table.maxOpset[domain];
      if (max !== undefined && v > max) {
        const msg = `onnxruntime-web 1.30 loads ${domain} up to opset ${max}; the model imports opset ${v}`;
        tooNew.set(domain, msg);
        issues.push({ kind: 'load-fails', message: msg });
      }
    }
  }
  const missingImports = new Set<string>();
  // onnxruntime's layout transformer (IsSupportedOpset) takes ai.onnx opset 7+; without it the WebGPU EP takes no node.
  const onnxOpset = opsets.get(DEFAULT_DOMAIN);
  const gpuUnused =
    backend !== 'webgpu' || (onnxOpset !== undefined && onnxOpset >= 7)
      ? undefined
      : `onnxruntime-web 1.30 uses WebGPU only for models at ONNX opset 7 or newer (its layout transformer's range); this one ${onnxOpset === undefined ? 'imports no ai.onnx opset' : `imports opset ${onnxOpset}`}`;
  if (gpuUnused) issues.push({ kind: 'note', message: `${gpuUnused}: every node runs on the CPU EP` });

  const native: NodeRef[] = [];
  const fallback: NodeRef[] = [];
  const unsupported: NodeRef[] = [];
  const sides = new Map<NodeProto, 'gpu' | 'cpu' | undefined>();
  /** webgpu: Conv nodes that leave dilations or strides to their defaults (JSEP's Conv throws on them at run). */
  const bareConvs: string[] = [];
  for (const scope of scopes) {
    scope.graph.node.forEach((node, index) => {
      const domain = normDomain(node.domain);
      let opset = opsets.get(domain);
      if (opset === undefined) {
        missingImports.add(domain);
        opset = 1;
      }
      const ctx: NodeCtx = {
        node,
        domain,
        opset,
        scope,
        graphOutputs,
        localFunction: localFunctions.has(`${domain}\u0000${node.opType}`),
        tooNew: tooNew.get(domain),
        gpuUnused,
      };
      const d = backend === 'webgl' ? decideWebgl(ctx) : decideOrt(backend, ctx);
      const ref: NodeRef = { graph: scope.path, index, name: node.name || `${node.opType}_${index}`, opType: node.opType, domain, opset };
      if (d.reason) ref.reason = d.reason;
      if (d.note) ref.note = d.note;
      (d.status === 'native' ? native : d.status === 'fallback' ? fallback : unsupported).push(ref);
      if (backend === 'webgpu' && d.status === 'native' && !d.inert && domain === DEFAULT_DOMAIN && node.opType === 'Conv') {
        const missing = ['dilations', 'strides'].filter((a) => !node.attribute.some((x) => x.name === a));
        if (missing.length > 0) bareConvs.push(`${ref.name} (no ${missing.join(', no ')})`);
      }
      sides.set(node, d.inert || d.status === 'unsupported' ? undefined : d.status === 'fallback' ? 'cpu' : 'gpu');
      // Inert nodes' outputs are constants for what reads them.
      if (d.inert) for (const o of node.output) if (o) scope.constants.add(o);
    });
  }
  for (const d of missingImports) {
    issues.push({ kind: 'note', message: `nodes use domain ${d}, which the model does not import; read as version 1` });
  }
  if (backend === 'webgl') issues.push(...webglIssues(model, scopes));
  if (bareConvs.length > 0) {
    issues.push({
      kind: 'run-fails',
      message:
        `${bareConvs.length} Conv node${bareConvs.length > 1 ? 's' : ''} without an explicit dilations or strides attribute ` +
        `(${bareConvs.slice(0, 3).join('; ')}${bareConvs.length > 3 ? '; …' : ''}): onnxruntime-web 1.30's WebGPU Conv loads them but run() ` +
        `throws ("dilations should be 2D", "strides should be 2D"); write the defaults into the model to use WebGPU`,
    });
  }

  const counts = new Map<string, OpCount>();
  for (const [status, refs] of [['native', native], ['fallback', fallback], ['unsupported', unsupported]] as const) {
    for (const r of refs) {
      const key = `${r.domain}\u0000${r.opType}\u0000${status}`;
      const c = counts.get(key) ?? { domain: r.domain, opType: r.opType, status, count: 0 };
      c.count++;
      counts.set(key, c);
    }
  }
  const ops = [...counts.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType));
  const transfers = backend === 'webgpu' && !gpuUnused ? countTransfers(scopes, sides) : 0;
  const nodes = native.length + fallback.length + unsupported.length;
  const partial = {
    backend,
    runtime: table.runtime,
    native,
    fallback,
    unsupported,
    summary: { nodes, native: native.length, fallback: fallback.length, unsupported: unsupported.length, transfers },
    ops,
    issues,
    ...(gpuUnused ? { gpuUnused } : {}),
  };
  const loads = unsupported.length === 0 && !issues.some((i) => i.kind === 'load-fails');
  return { ...partial, loads, verdict: verdictOf(backend, partial, loads) };
}

/** backendSupport for every backend. */
export function supportMatrix(model: ModelProto): Record<Backend, BackendSupport> {
  return { wasm: backendSupport(model, 'wasm'), webgpu: backendSupport(model, 'webgpu'), webgl: backendSupport(model, 'webgl') };
}
