import { CATALOGUE, DEFAULTS } from '../../core/cost/catalogue';
import { DRAFT_PATHS, type CostDraft, type DraftField, type DraftVariant } from '../../core/cost/draft';
import {
  addTarget,
  addVariant,
  patchDraft,
  patchVariant,
  removeVariant,
  setBaseline,
  setPerTargetThroughput,
  variantToTyped,
} from '../../state/cost-actions';
import { Field, fromFigure, type SourceNote } from './Field';
import { num } from './format';
import { TargetCard } from './TargetCard';

type Errors = Record<string, string>;

/** A top-level field of the form. */
function Top({ d, f, label, errors, ...rest }: { d: CostDraft; f: DraftField; label: string; errors: Errors; unit?: string; placeholder?: string; source?: SourceNote; hint?: string; alsoPaths?: string[] }) {
  return <Field label={label} path={DRAFT_PATHS[f]} value={d[f] as string} onChange={(v) => patchDraft({ [f]: v })} errors={errors} {...rest} />;
}

export function TrafficFields({ d, errors }: { d: CostDraft; errors: Errors }) {
  return (
    <fieldset data-testid="cost-traffic">
      <legend>Traffic and service level</legend>
      <div className="cost-row">
        <Top d={d} f="averageRps" label="Average traffic" unit="requests/s" errors={errors} />
        <Top d={d} f="peakRps" label="Peak traffic" unit="requests/s" errors={errors} hint="sizes the instance count" />
      </div>
      <div className="cost-row">
        <Top d={d} f="activeHoursPerDay" label="Active hours per day" unit="h" errors={errors} />
        <Top d={d} f="sloP99Ms" label="Latency SLO, p99" unit="ms" errors={errors} />
      </div>
      <div className="cost-row">
        <Top d={d} f="utilizationPct" label="Target utilisation" unit="% of capacity at peak" errors={errors} hint="headroom; at most 100%" />
        <Top d={d} f="maxBatchSize" label="Max batch size" placeholder="any" errors={errors} hint="what the traffic can fill within the SLO" />
      </div>
      <div className="cost-row">
        <Top d={d} f="redundancy" label="Redundancy" unit="extra instances" placeholder="0" errors={errors} />
        <div className="cost-field">
          <label>
            Schedule
            <select value={d.schedule} onChange={(e) => patchDraft({ schedule: e.target.value as CostDraft['schedule'] })} data-field="schedule">
              <option value="always-on">always on (730 h/month)</option>
              <option value="active-hours">only in active hours</option>
            </select>
          </label>
        </div>
      </div>
    </fieldset>
  );
}

export function StorageFields({ d, errors }: { d: CostDraft; errors: Errors }) {
  return (
    <fieldset data-testid="cost-storage">
      <legend>Storage and network</legend>
      <div className="cost-row">
        <Top d={d} f="modelVersions" label="Model versions kept" placeholder="1" errors={errors} />
        <Top d={d} f="replicas" label="Replicas" placeholder="1" errors={errors} />
      </div>
      <div className="cost-row">
        <Top d={d} f="retainedBytesPerRequest" label="Data kept per request" unit="bytes" placeholder="0" errors={errors} />
        <Top d={d} f="retentionDays" label="Kept for" unit="days" placeholder="0" errors={errors} />
      </div>
      <Top d={d} f="storagePrice" label="Storage price" unit="USD/GB-month" errors={errors} source={fromFigure(DEFAULTS.storagePrice)} />
      <Top d={d} f="egressBytesPerRequest" label="Response size (egress)" unit="bytes/request" placeholder="0" errors={errors} />
      <Top d={d} f="egressPrice" label="Egress price" unit="USD/GB" errors={errors} source={fromFigure(DEFAULTS.egressPrice)} />
    </fieldset>
  );
}

export function EnergyFields({ d, errors }: { d: CostDraft; errors: Errors }) {
  return (
    <fieldset data-testid="cost-energy">
      <legend>Energy and maintenance</legend>
      <Top d={d} f="electricityPrice" label="Electricity" unit="USD/kWh" errors={errors} source={fromFigure(DEFAULTS.electricityPrice)} />
      <Top d={d} f="gridIntensity" label="Grid carbon intensity" unit="gCO2e/kWh" errors={errors} source={fromFigure(DEFAULTS.gridIntensity)} />
      <Top d={d} f="ownedPue" label="PUE of owned hardware" errors={errors} source={fromFigure(DEFAULTS.pueOwned)} />
      <div className="cost-row">
        <Top d={d} f="updatesPerYear" label="Model updates" unit="per year" placeholder="0" errors={errors} />
        <Top d={d} f="hoursPerUpdate" label="Engineer hours" unit="per update" placeholder="0" errors={errors} />
      </div>
      <Top d={d} f="loadedHourlyRate" label="Loaded engineer rate" unit="USD/h" errors={errors} source={fromFigure(DEFAULTS.loadedHourlyRate)} />
      <Top d={d} f="onCallPerMonth" label="On-call and support" unit="USD/month" placeholder="0" errors={errors} />
    </fieldset>
  );
}

function MeasuredCell({ v, span }: { v: DraftVariant; span: number }) {
  const m = v.measured!;
  const best = [...m.points].sort((a, b) => b.itemsPerSecond - a.itemsPerSecond)[0];
  return (
    <td colSpan={span} className="cost-measured">
      <span className="badge warn" title="Measured on this device, not on the targets: scaled to each target (see its scaling)">measured here, scaled to each target</span>{' '}
      {m.points
        .map((p) => {
          const iv = p.itemsPerSecondInterval;
          const range = iv ? ` (${iv.level ? `${Math.round(iv.level * 100)}% CI` : 'fastest–slowest run'} ${num(iv.low)}–${num(iv.high)})` : '';
          return `batch ${p.batchSize}: ${num(p.itemsPerSecond)} items/s${range}, p99 ${num(p.p99Ms)} ms`;
        })
        .join(' · ')}
      <div className="small muted">
        {m.device.name} ({m.device.cores} core{m.device.cores === 1 ? '' : 's'}) · {m.origin}
        {best && (
          <>
            {' '}
            ·{' '}
            <button className="link" onClick={() => variantToTyped(v.id)} data-testid="variant-to-typed">
              type figures instead
            </button>
          </>
        )}
      </div>
    </td>
  );
}

export function VariantsTable({ d, errors }: { d: CostDraft; errors: Errors }) {
  const baseline = d.baseline && d.variants.some((v) => v.id === d.baseline) ? d.baseline : d.variants[0]?.id;
  const targetName = (i: number) => {
    const t = d.targets[i];
    return t.name.trim() || (t.kind === 'cloud' ? (CATALOGUE.find((c) => c.id === t.instance)?.name ?? `target ${i + 1}`) : t.kind === 'owned' ? `owned ${i + 1}` : `edge ${i + 1}`);
  };
  const err = (path: string) => errors[path] && <span className="field-error" role="alert" data-error-for={path}>{errors[path]}</span>;
  const cellInput = (path: string, value: string, onChange: (v: string) => void, label: string, placeholder = '') => (
    <>
      <input value={value} onChange={(e) => onChange(e.target.value)} data-field={path} aria-label={label} aria-invalid={Boolean(errors[path])} placeholder={placeholder} inputMode="decimal" />
      {err(path)}
    </>
  );
  return (
    <fieldset data-testid="cost-variants">
      <legend>Model variants</legend>
      <p className="hint">
        Throughput is per instance (per device on edge), at the p99 and batch size given. Type it, or use a benchmark from the Trade-off or
        Benchmark view. Per-target figures replace it on that target.
      </p>
      <div className="cost-scroll">
        <table className="table cost-variants">
          <thead>
            <tr>
              <th title="Savings are against the baseline">baseline</th>
              <th>variant</th>
              <th className="num">accuracy %</th>
              <th className="num">size MB</th>
              <th className="num">items/s</th>
              <th className="num">p99 ms</th>
              <th className="num">batch</th>
              {d.targets.map((t, i) => (
                <th key={t.id} className="num" title="items/s on this target; blank: the variant's figure">
                  on {targetName(i)}
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {d.variants.map((v, i) => {
              const at = (f: string) => `variants.${i}.${f}`;
              return (
                <tr key={v.id} data-testid="cost-variant-row" data-variant-id={v.id}>
                  <td>
                    <input type="radio" name="cost-baseline" checked={baseline === v.id} onChange={() => setBaseline(v.id)} aria-label={`Baseline: ${v.name || v.id}`} />
                  </td>
                  <td>{cellInput(at('name'), v.name, (x) => patchVariant(v.id, { name: x }), `Variant ${i + 1} name`, v.id)}</td>
                  <td className="num">{cellInput(at('accuracy'), v.accuracy, (x) => patchVariant(v.id, { accuracy: x }), `Variant ${i + 1} accuracy`, 'optional')}</td>
                  <td className="num">{cellInput(at('modelSizeMB'), v.modelSizeMB, (x) => patchVariant(v.id, { modelSizeMB: x }), `Variant ${i + 1} size`)}</td>
                  {v.source === 'measured' && v.measured ? (
                    <MeasuredCell v={v} span={3 + d.targets.length} />
                  ) : (
                    <>
                      <td className="num">{cellInput(at('throughput.itemsPerSecond'), v.itemsPerSecond, (x) => patchVariant(v.id, { itemsPerSecond: x }), `Variant ${i + 1} throughput`)}</td>
                      <td className="num">{cellInput(at('throughput.p99Ms'), v.p99Ms, (x) => patchVariant(v.id, { p99Ms: x }), `Variant ${i + 1} p99`, 'optional')}</td>
                      <td className="num">{cellInput(at('throughput.batchSize'), v.batchSize, (x) => patchVariant(v.id, { batchSize: x }), `Variant ${i + 1} batch`, 'optional')}</td>
                      {d.targets.map((t, j) => (
                        <td key={t.id} className="num">
                          {cellInput(
                            at(`throughput.perTarget.${t.id}.itemsPerSecond`),
                            v.perTarget[t.id]?.itemsPerSecond ?? '',
                            (x) => setPerTargetThroughput(v.id, t.id, x),
                            `Variant ${i + 1} throughput on ${targetName(j)}`,
                            v.itemsPerSecond || '–',
                          )}
                        </td>
                      ))}
                    </>
                  )}
                  <td>
                    {d.variants.length > 1 && (
                      <button className="link" onClick={() => removeVariant(v.id)} aria-label={`Remove variant ${v.name || v.id}`}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="cost-row cost-actions">
        <button className="small-button" onClick={() => addVariant()} data-testid="add-variant">
          + Variant
        </button>
        <Top
          d={d}
          f="floorPoints"
          label="Accuracy floor: at most this many points below the baseline"
          unit="points"
          placeholder="none"
          errors={errors}
          alsoPaths={['accuracyFloor']}
        />
      </div>
    </fieldset>
  );
}

export function TargetsSection({ d, errors, derivations }: { d: CostDraft; errors: Errors; derivations: Record<string, string> }) {
  const anyMeasured = d.variants.some((v) => v.source === 'measured');
  return (
    <fieldset data-testid="cost-targets">
      <legend>Where it runs</legend>
      <div className="cost-targets">
        {d.targets.map((t, i) => (
          <TargetCard key={t.id} t={t} i={i} d={d} errors={errors} showScale={anyMeasured} derivation={derivations[t.id]} canRemove={d.targets.length > 1} />
        ))}
      </div>
      {errors.targets && <span className="field-error" role="alert" data-error-for="targets">{errors.targets}</span>}
      <div className="cost-row cost-actions">
        <button className="small-button" onClick={() => addTarget('cloud')} data-testid="add-cloud">
          + Cloud instance
        </button>
        <button className="small-button" onClick={() => addTarget('owned')} data-testid="add-owned">
          + Owned hardware
        </button>
        <button className="small-button" onClick={() => addTarget('edge')} data-testid="add-edge">
          + Users' devices (edge)
        </button>
      </div>
    </fieldset>
  );
}
