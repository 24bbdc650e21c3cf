/**
 * Which models the workspace keeps in the browser's storage. A model is kept when its bytes fit under a cap: at most
 * 1 GiB, and at most half of what the site may still store (navigator.storage.estimate()), so one huge model never
 * fills the quota and leaves no room for the variants and results. Without an estimate the cap is 256 MiB.
 */
export const MAX_KEPT_MODEL_BYTES = 1024 ** 3;
export const CAP_WITHOUT_ESTIMATE = 256 * 1024 ** 2;

export interface StorageEstimateLike {
  quota?: number;
  usage?: number;
}

export function modelCap(estimate: StorageEstimateLike | null): { bytes: number; basis: string } {
  const quota = estimate?.quota;
  if (quota === undefined || !Number.isFinite(quota) || quota <= 0) {
    return { bytes: CAP_WITHOUT_ESTIMATE, basis: 'the browser gives no storage estimate: 256 MiB' };
  }
  const free = Math.max(0, quota - (estimate?.usage ?? 0));
  const half = Math.floor(free / 2);
  return half < MAX_KEPT_MODEL_BYTES
    ? { bytes: half, basis: `half of the ${mb(free)} this site may still store` }
    : { bytes: MAX_KEPT_MODEL_BYTES, basis: 'at most 1 GiB per model' };
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/** Whether a model of `bytes` is kept, and if not, the sentence that says so. */
export function keepDecision(name: string, bytes: number, cap: { bytes: number; basis: string }): { keep: true } | { keep: false; why: string } {
  if (bytes <= cap.bytes) return { keep: true };
  return {
    keep: false,
    why: `${name} (${mb(bytes)}) is too large to keep in this browser's storage (cap ${mb(cap.bytes)}: ${cap.basis}): it stays open until you reload or close the page, then it is gone, with its variants and results; the rest of the workspace is kept.`,
  };
}
