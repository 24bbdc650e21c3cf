import type { ReactNode } from 'react';
import type { LoadedModel } from '../../state/models';
import { formatBytes, formatCount } from '../../core/units';
import { Deferred } from '../app/Deferred';
import { LayerTable } from './LayerTable';
import { OpHistogram } from './OpHistogram';
import { SignatureTable } from './SignatureTable';
import { WeightsPanel } from './WeightsPanel';
import { SubgraphList } from './SubgraphList';
import { count } from '../../core/units';
import { nodesHint } from './counts';
import { InputSpecFields } from '../spec/InputSpecFields';
import { useMacsAt } from './useMacsAt';

export function ModelSummaryView({ model, next }: { model: LoadedModel; next?: ReactNode }) {
  const s = model.summary;
  const at = useMacsAt(model);
  // MACs at the shape the user set (recounted in a worker), else the summary's: batch dims 1, other open dims unknown.
  const recount = at.result?.ok ? at.result : null;
  const macs = recount ?? s;
  const layers = recount ? s.layers.map((l, i) => ({ ...l, macs: recount.layerMacs[i] ?? null })) : s.layers;
  const producer = [s.producer.name, s.producer.version].filter(Boolean).join(' ') || 'unknown producer';
  return (
    <article className="summary" data-testid="model-summary" data-file-name={s.fileName}>
      <div className="summary-head">
        <div>
          <h2 data-testid="model-name">{s.fileName}</h2>
          <div className="muted">
            {producer} · IR version {s.irVersion} · opsets{' '}
            <span data-testid="opsets">{s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}</span>
            {s.docString && <> · {s.docString}</>}
          </div>
        </div>
        <div className="muted small">
          {model.source === 'sample' ? 'sample · ' : ''}parsed in {model.parseMs.toFixed(0)} ms in a worker
        </div>
      </div>

      <div className="cards">
        <Card label="File size" value={formatBytes(s.fileBytes + s.externalDataBytes)} hint={s.externalDataBytes > 0 ? `${formatBytes(s.externalDataBytes)} in ${s.externalDataFiles.length} external file(s)` : 'one file'} testId="card-size" />
        <Card label="Parameters" value={formatCount(s.parameters.total)} hint={`${s.parameters.total.toLocaleString('en-US')} values`} testId="card-params" />
        <Card label="Weight bytes" value={formatBytes(s.parameters.bytes)} hint={s.parameters.byDtype.map((d) => d.dtype).join(', ') || 'none'} testId="card-weights" />
        <Card
          label="MACs / item"
          value={macsValue(macs)}
          hint={`${macs.macs.nodesUnknown > 0 ? `${macs.macs.nodesUnknown} node(s) without shapes` : 'all shapes known'} · ${macsAtText(macs.macsAt)}${recount ? ' (the shape set below)' : ''}${undecidedText(macs.macs)}${at.pending ? ' · recounting…' : ''}`}
          testId="card-macs"
        />
        <Card label="Nodes" value={s.nodeCount.toLocaleString('en-US')} hint={nodesHint(s)} testId="card-nodes" />
      </div>
      {next}

      <div className="grid-2">
        <section className="panel">
          <h3>Inputs and outputs</h3>
          <SignatureTable inputs={s.inputs} outputs={s.outputs} />
          <InputSpecFields
            model={s}
            text={at.text}
            onChange={at.setText}
            testId="inspect-input-spec"
            hint="MACs are counted at the shapes (and scalar values) you set here (open dims count as unknown, “?”, never as 1)."
          />
          {(at.errors.length > 0 || (at.result && !at.result.ok && at.result.error.code !== 'aborted')) && (
            <p className="field-error" role="alert" data-testid="inspect-macs-error">
              {[...at.errors, ...(at.result && !at.result.ok ? [at.result.error.message] : [])].join(' ')}
            </p>
          )}
        </section>
        <WeightsPanel summary={s} />
      </div>

      <div className="grid-2">
        <section className="panel">
          <h3>Operators</h3>
          <OpHistogram ops={s.ops} />
        </section>
        <section className="panel">
          <h3>Model metadata</h3>
          {s.metadata.length === 0 && s.subgraphs.length === 0 ? (
            <p className="muted">No metadata_props in this model.</p>
          ) : (
            <table className="kv" data-testid="metadata">
              <tbody>
                {s.metadata.map((m) => (
                  <tr key={m.key}>
                    <th>{m.key}</th>
                    <td>{m.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {s.subgraphs.length > 0 && <SubgraphList subgraphs={s.subgraphs} />}
        </section>
      </div>

      <section className="panel">
        <h3>Layers</h3>
        <Deferred delay={48} fallback={<p className="muted">{count(s.layers.length, 'layer')}…</p>}>
          <LayerTable layers={layers} constantNodes={s.nodeCount - s.layers.length} />
        </Deferred>
      </section>
    </article>
  );
}

/** The MACs card's figure: "?" when shapes are unknown (symbolic H, W), "≥ n" when only some nodes could be counted. */
function macsValue(s: Pick<LoadedModel['summary'], 'macs'>): string {
  if (s.macs.nodesUnknown > 0) return s.macs.total > 0 ? `≥ ${formatCount(s.macs.total)} (+ ?)` : '?';
  return s.macs.total > 0 ? formatCount(s.macs.total) : '–';
}

/** "at image [1, 3, ?, ?]" (", sr [] = 16000"): the input shapes (and fixed values) MACs were counted at (batch dims 1: per item), "?" where unknown. */
function macsAtText(at: LoadedModel['summary']['macsAt']): string {
  if (at.length === 0) return 'no inputs';
  return `at ${at.map((i) => `${i.name} ${i.shape ? `[${i.shape.map((d) => d ?? '?').join(', ')}]` : '[?]'}${i.value !== undefined ? ` = ${i.value}` : ''}`).join(', ')}`;
}

/** " · both branches of 1 If counted": an If on a value nobody set (a sample rate) counts both its branches. */
function undecidedText(m: LoadedModel['summary']['macs']): string {
  return m.undecidedIfs ? ` · both branches of ${count(m.undecidedIfs, 'If')} counted (set the input's value to count the one that runs)` : '';
}

function Card({ label, value, hint, testId }: { label: string; value: string; hint: string; testId: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      <div className="card-hint" data-testid={`${testId}-hint`}>{hint}</div>
    </div>
  );
}

