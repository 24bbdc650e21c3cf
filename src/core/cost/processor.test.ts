/**
 * A target of another kind than the device that measured never inherits the measured throughput silently: a CPU
 * benchmark on a GPU instance (or a GPU one on a CPU instance) asks for a factor with its derivation or a typed figure.
 */
import { describe, expect, it } from 'vitest';
import { evaluateScenario } from './tco';
import { scenario } from './test-scenarios';
import { parseScenario } from './scenario';

const measured = (processor: 'cpu' | 'gpu') => ({
  source: 'measured',
  device: { name: `this machine: Chrome 140, ${processor === 'cpu' ? 'WASM 4 threads' : 'WebGPU'}`, class: 'other', cores: 4, processor },
  points: [{ batchSize: 1, itemsPerSecond: 500, p99Ms: 5 }],
});

describe('measured throughput across processor kinds', () => {
  it('a CPU measurement on a GPU instance: refused until a factor is given, then shown with it', () => {
    // No scale at all: the scenario itself asks for one (field error on the target's scale).
    const none = parseScenario({ ...base(), variants: [{ id: 'a', modelSizeMB: 1, throughput: measured('cpu') }], targets: [{ kind: 'cloud', id: 'gpu', instance: 'aws/g5.xlarge' }] });
    expect(!none.ok && none.errors.map((e) => e.path)).toEqual(['targets.0.scale']);
    // Core-count scaling stated: still another kind of processor; the cell is not costed and says what it needs.
    const cores = evaluateScenario(scenario((s) => {
      s.variants = [{ id: 'a', modelSizeMB: 1, throughput: measured('cpu') }];
      s.targets = [{ kind: 'cloud', id: 'gpu', instance: 'aws/g5.xlarge', scale: { method: 'cores' } }];
    }));
    const c = cores.variants[0].cells[0];
    expect(c.feasible).toBe(false);
    expect(!c.feasible && c.reason).toMatch(/measured on a CPU \(this machine: Chrome 140, WASM 4 threads\) while AWS g5\.xlarge computes on a GPU, so its throughput is not inherited: give this target a scaling factor with its derivation, or type the throughput for it/);
    expect(c.throughput.label).toMatch(/^not inherited: /);
    // A stated rule: costed, and the figure says which rule.
    const factor = evaluateScenario(scenario((s) => {
      s.variants = [{ id: 'a', modelSizeMB: 1, throughput: measured('cpu') }];
      s.targets = [{ kind: 'cloud', id: 'gpu', instance: 'aws/g5.xlarge', scale: { method: 'factor', factor: 8, derivation: 'vendor benchmark: A10G ≈ 8× 4 vCPUs' } }];
    }));
    const f = factor.variants[0].cells[0];
    expect(f.feasible && f.throughput.itemsPerSecond).toBe(4000);
    expect(f.throughput.label).toContain('vendor benchmark: A10G ≈ 8× 4 vCPUs');
  });

  it('a WebGPU measurement on a CPU instance is not scaled by cores silently; a CPU one is; users\' devices take either', () => {
    const on = (processor: 'cpu' | 'gpu', target: object) =>
      evaluateScenario(scenario((s) => {
        s.variants = [{ id: 'a', modelSizeMB: 1, throughput: measured(processor) }];
        s.targets = [target];
      })).variants[0].cells[0];
    const gpuOnCpu = on('gpu', { kind: 'cloud', id: 'c', instance: 'aws/c7i.xlarge' });
    expect(!gpuOnCpu.feasible && gpuOnCpu.reason).toMatch(/measured on a GPU .* computes on a CPU/);
    const cpuOnCpu = on('cpu', { kind: 'cloud', id: 'c', instance: 'aws/c7i.xlarge' });
    expect(cpuOnCpu.feasible && cpuOnCpu.throughput.label).toMatch(/× 1 \(by core count: 4 vCPUs/);
    expect(on('gpu', { kind: 'edge', id: 'e', powerIdleW: 2, powerMaxW: 15 }).feasible).toBe(true);
    // Older scenarios without the processor keep working as before.
    const legacy = evaluateScenario(scenario((s) => {
      s.variants = [{ id: 'a', modelSizeMB: 1, throughput: { ...measured('gpu'), device: { name: 'x', class: 'other', cores: 4 } } }];
    })).variants[0].cells[0];
    expect(legacy.feasible).toBe(true);
  });
});

function base() {
  return { version: 1, traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 }, slo: { p99Ms: 150 }, targetUtilization: 0.6 };
}
