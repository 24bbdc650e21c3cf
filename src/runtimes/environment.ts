/** What a browser measurement ran on: every result records it, so numbers are never shown without context. */
export interface BrowserEnvironment {
  userAgent: string;
  /** navigator.hardwareConcurrency: logical cores the browser reports. */
  cores: number;
  crossOriginIsolated: boolean;
  /** Whether the browser allows SharedArrayBuffer (needed for WASM threads). */
  sharedArrayBuffer: boolean;
  webgpu: null | {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    /** A software (fallback) adapter, e.g. SwiftShader: correct but not representative of real GPU speed. */
    isFallbackAdapter: boolean;
  };
  webgpuUnavailableReason?: string;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** Reads the environment in a page or a worker. */
export async function readEnvironment(): Promise<BrowserEnvironment> {
  const nav = (globalThis as { navigator?: Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } }).navigator;
  const env: BrowserEnvironment = {
    userAgent: nav?.userAgent ?? 'unknown',
    cores: nav?.hardwareConcurrency ?? 1,
    crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    webgpu: null,
  };
  if (!nav?.gpu) {
    env.webgpuUnavailableReason = 'this browser exposes no WebGPU (navigator.gpu is missing)';
    return env;
  }
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) {
      env.webgpuUnavailableReason = 'the browser has WebGPU but offered no adapter (blocked GPU or driver)';
      return env;
    }
    const info = adapter.info ?? {};
    env.webgpu = {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    };
  } catch (e) {
    env.webgpuUnavailableReason = `requesting a WebGPU adapter failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  return env;
}
