export * from './read';
export * from './write';
export * from './weights';
export * from './topology';
export { tfjsFormat, sniffTfjs } from './format';
