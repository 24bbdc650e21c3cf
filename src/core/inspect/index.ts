export * from './summary';
export * from './shapes';
