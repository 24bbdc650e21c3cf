export * from './proto';
export * from './dtypes';
export * from './tensor';
export * from './read';
export * from './write';
export * from './walk';
export * from './sniff';
export * as build from './builder';
export * from './self-contained';
