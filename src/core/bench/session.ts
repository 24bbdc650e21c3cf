/**
 * What core needs from a runtime: create a session from model bytes, run it. onnxruntime-web, onnxruntime-node
 * and TF.js adapters in src/runtimes implement this; core never imports a runtime.
 */
export type HostData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array;

export interface HostTensor {
  /** ONNX-style element type name: float32, int64, uint8, ... */
  dtype: string;
  dims: number[];
  data: HostData;
}

export type Feeds = Record<string, HostTensor>;

export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Feeds, outputNames?: readonly string[]): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface RuntimeInfo {
  /** e.g. "onnxruntime-node", "onnxruntime-web/wasm" */
  id: string;
  version: string;
  /** Execution provider / backend actually used. */
  backend: string;
  threads?: number;
}

export interface SessionOptions {
  threads?: number;
  /**
   * The model's external data files, from memory (core/job/session-parts.ts). The onnxruntime-web runtimes (browser
   * and Node) take it; give the others a self-contained model.
   */
  externalData?: { path: string; data: Uint8Array }[];
  /**
   * Memory over speed: no pre-packed copies of the weights beside them (onnxruntime's `disable_prepacking`), for
   * runs that only record outputs. onnxruntime-web takes it.
   */
  lowMemory?: boolean;
}

export interface InferenceRuntime {
  info(): RuntimeInfo;
  createSession(model: Uint8Array, options?: SessionOptions): Promise<InferenceSession>;
}
