#!/usr/bin/env node
// `npx pareto …` from the repo: load the TypeScript CLI through tsx's ESM loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
