/**
 * The few globals that exist in every environment core runs in (Node >= 20, Web Workers, browsers)
 * but that TypeScript files under lib.dom. Declaring them here keeps DOM types out of core.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare function structuredClone<T>(value: T): T;
declare const performance: { now(): number };
declare function setTimeout(handler: () => void, ms?: number): unknown;
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
