/** `--exclude` / `--skip` values resolved against the model: op types or node names, and a typo is an error. */
import type { OnnxModel } from '../core/formats/onnx/read';
import { nodesOf } from '../core/formats/onnx/walk';
import { CliError } from './errors';

/** Node names and op types of every graph; unnamed nodes are also known by the labels the transforms use. */
function modelNames(model: OnnxModel): { nodes: Set<string>; opTypes: Set<string>; examples: string[] } {
  const nodes = new Set<string>();
  const opTypes = new Set<string>();
  const examples: string[] = [];
  for (const { node, scope, index } of nodesOf(model.proto)) {
    opTypes.add(node.opType);
    if (node.name) {
      nodes.add(node.name);
      if (examples.length < 6) examples.push(node.name);
    } else {
      nodes.add(`${node.opType}_${index}`); // prune's label
      nodes.add(`${node.opType}#${index}${scope.path === 'main' ? '' : ` in ${scope.path}`}`); // quantize's label
    }
  }
  return { nodes, opTypes, examples };
}

/**
 * Splits `--exclude`/`--skip` values into op types and node names: a value that is an op type of some node in the
 * model excludes by op type, else by node name. A value that names nothing in the model is an error (a typo would
 * otherwise silently change nothing).
 */
export function resolveNamesOrOps(model: OnnxModel, values: readonly string[], flag: string): { nodes: string[]; opTypes: string[] } {
  const names = modelNames(model);
  const nodes: string[] = [];
  const opTypes: string[] = [];
  const unknown: string[] = [];
  for (const v of values) {
    if (names.opTypes.has(v)) opTypes.push(v);
    else if (names.nodes.has(v)) nodes.push(v);
    else unknown.push(v);
  }
  if (unknown.length > 0) {
    const ops = [...names.opTypes].sort().join(', ');
    const eg = names.examples.length ? `; nodes are named e.g. ${names.examples.map((n) => `"${n}"`).join(', ')}` : '';
    throw new CliError(
      `${flag} ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'names' : 'name'} no node or op type in the model ` +
        `(op types in the model: ${ops || 'none'}${eg}).`,
    );
  }
  return { nodes: [...new Set(nodes)], opTypes: [...new Set(opTypes)] };
}
