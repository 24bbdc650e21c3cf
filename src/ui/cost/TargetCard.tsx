import { CATALOGUE, CLOUD_PUE, DEFAULTS, type Provider } from '../../core/cost/catalogue';
import type { CostDraft, DraftTarget, PricingModel, ScaleChoice, TargetKind } from '../../core/cost/draft';
import { patchTarget, removeTarget } from '../../state/cost-actions';
import { Cite, Field, fromFigure, Source } from './Field';
import { num } from './format';

type Errors = Record<string, string>;

const PROVIDERS: { id: Provider; name: string }[] = [
  { id: 'aws', name: 'AWS' },
  { id: 'gcp', name: 'GCP (us-central1)' },
  { id: 'azure', name: 'Azure (eastus)' },
];

function instanceLabel(id: string): string {
  const c = CATALOGUE.find((x) => x.id === id);
  if (!c) return id;
  const acc = c.accelerator ? ` · ${c.accelerator.count}× ${c.accelerator.model}` : '';
  return `${c.name} — ${c.vcpus} vCPU${c.memoryGiB !== null ? `, ${c.memoryGiB} GiB` : ''}${acc} — $${c.onDemandHourly}/h`;
}

/** Scaling of measured throughput to this target (shown when a variant is measured). */
export function ScaleFields({ t, i, errors, derivation }: { t: DraftTarget; i: number; errors: Errors; derivation?: string }) {
  const at = (f: string) => `targets.${i}.${f}`;
  const scaleErr = errors[at('scale')];
  return (
    <div className="cost-scale" data-testid="cost-scale">
      <div className="cost-field">
        <label>
          Scale measured throughput to this target
          <select value={t.scale} onChange={(e) => patchTarget(t.id, { scale: e.target.value as ScaleChoice })} data-field={at('scale.method')}>
            <option value="auto">automatic (by core count where it applies)</option>
            <option value="cores">by core count</option>
            <option value="factor">by a factor I give</option>
            <option value="none">none: use as measured</option>
          </select>
        </label>
        {scaleErr && (
          <span className="field-error" role="alert" data-error-for={at('scale')}>
            {scaleErr}
          </span>
        )}
      </div>
      {t.scale === 'factor' && (
        <>
          <div className="cost-row">
            <Field label="Throughput factor" unit="×" path={at('scale.factor')} value={t.factor} onChange={(v) => patchTarget(t.id, { factor: v })} errors={errors} />
            <Field label="p99 factor" unit="×" path={at('scale.latencyFactor')} value={t.latencyFactor} onChange={(v) => patchTarget(t.id, { latencyFactor: v })} errors={errors} placeholder="1" />
          </div>
          <div className="cost-field">
            <label>
              How the factor was derived (shown with every figure)
              <input value={t.derivation} onChange={(e) => patchTarget(t.id, { derivation: e.target.value })} data-field={at('scale.derivation')} placeholder="e.g. benchmark of the same model on the target" />
            </label>
            {errors[at('scale.derivation')] && (
              <span className="field-error" role="alert" data-error-for={at('scale.derivation')}>
                {errors[at('scale.derivation')]}
              </span>
            )}
          </div>
        </>
      )}
      {derivation && (
        <p className="hint" data-testid="scale-derivation">
          {derivation}
        </p>
      )}
    </div>
  );
}

export function TargetCard({ t, i, d, errors, showScale, derivation, canRemove }: { t: DraftTarget; i: number; d: CostDraft; errors: Errors; showScale: boolean; derivation?: string; canRemove: boolean }) {
  const at = (f: string) => `targets.${i}.${f}`;
  const set = (patch: Partial<DraftTarget>) => patchTarget(t.id, patch);
  const F = (f: keyof DraftTarget, label: string, path: string, extra: { unit?: string; placeholder?: string; source?: ReturnType<typeof fromFigure>; hint?: string } = {}) => (
    <Field label={label} path={path} value={t[f] as string} onChange={(v) => set({ [f]: v })} errors={errors} {...extra} />
  );
  const inst = t.kind === 'cloud' ? CATALOGUE.find((c) => c.id === t.instance) : undefined;
  const kindName: Record<TargetKind, string> = { cloud: 'Cloud instance', owned: 'Owned hardware', edge: "Users' devices" };
  return (
    <div className="cost-target" data-testid="cost-target" data-target-id={t.id} data-kind={t.kind}>
      <div className="cost-target-head">
        <select value={t.kind} onChange={(e) => set({ kind: e.target.value as TargetKind })} aria-label={`Target ${i + 1} kind`} data-field={at('kind')}>
          {(Object.keys(kindName) as TargetKind[]).map((k) => (
            <option key={k} value={k}>
              {kindName[k]}
            </option>
          ))}
        </select>
        <input value={t.name} onChange={(e) => set({ name: e.target.value })} placeholder={inst?.name ?? `name (optional)`} aria-label={`Target ${i + 1} name`} data-field={at('name')} />
        {canRemove && (
          <button className="link" onClick={() => removeTarget(t.id)} aria-label={`Remove target ${i + 1}`}>
            Remove
          </button>
        )}
      </div>

      {t.kind === 'cloud' && (
        <>
          <div className={`cost-field${errors[at('instance')] ? ' invalid' : ''}`}>
            <label>
              Instance (catalogue)
              <select value={t.instance} onChange={(e) => set({ instance: e.target.value })} data-field={at('instance')} aria-invalid={Boolean(errors[at('instance')])}>
                <option value="">Choose an instance…</option>
                {PROVIDERS.map((p) => (
                  <optgroup key={p.id} label={p.name}>
                    {CATALOGUE.filter((c) => c.provider === p.id).map((c) => (
                      <option key={c.id} value={c.id}>
                        {instanceLabel(c.id)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </label>
            {errors[at('instance')] && (
              <span className="field-error" role="alert" data-error-for={at('instance')}>
                {errors[at('instance')]}
              </span>
            )}
            {inst && (
              <>
                <Source
                  s={{
                    what: `$${inst.onDemandHourly}/h on demand${inst.spotHourly !== null ? `, $${inst.spotHourly}/h spot` : ', no spot price'}`,
                    ref: inst.source,
                    note: inst.notes.join('; '),
                  }}
                />
                <span className="cost-source" title={`derived: idle ${inst.power.idleDerivation}; max ${inst.power.maxDerivation}`}>
                  power {num(inst.power.idleW)}–{num(inst.power.maxW)} W, derived<span className="badge warn">estimate</span> · <Cite r={inst.power.source} />
                  {inst.power.incomplete && <> · {inst.power.incomplete}</>}
                  {inst.notes.length > 0 && <> · {inst.notes.join('; ')}</>}
                </span>
              </>
            )}
          </div>
          <div className="cost-row">
            <div className="cost-field">
              <label>
                Pricing
                <select value={t.pricing} onChange={(e) => set({ pricing: e.target.value as PricingModel })} data-field={at('pricing.model')}>
                  <option value="on-demand">on demand</option>
                  <option value="spot">spot</option>
                  <option value="committed">committed use (discount)</option>
                </select>
              </label>
              {errors[at('pricing.model')] && (
                <span className="field-error" role="alert" data-error-for={at('pricing.model')}>
                  {errors[at('pricing.model')]}
                </span>
              )}
            </div>
            {t.pricing === 'committed' &&
              F('discountPct', 'Discount', at('pricing.discount'), {
                unit: '% off on-demand',
                hint: 'AWS Savings Plans/RIs up to 72% (amnic.com, 2024); GCP CUD 37% for 1 year (estimate)',
              })}
          </div>
          {F('hourlyPrice', 'Hourly price (a quote)', at('hourlyPrice'), {
            unit: 'USD/h',
            placeholder: inst ? `catalogue ${inst.onDemandHourly}` : 'catalogue',
            hint: 'blank: the catalogue price above',
          })}
          {F('pue', 'PUE', at('pue'), { source: inst ? fromFigure(CLOUD_PUE[inst.provider]) : undefined, placeholder: inst ? undefined : 'provider default' })}
        </>
      )}

      {t.kind === 'owned' && (
        <>
          <div className="cost-row">
            {F('purchasePrice', 'Purchase price', at('purchasePrice'), { unit: 'USD per box' })}
            {F('lifetimeYears', 'Lifetime', at('lifetimeYears'), { unit: 'years' })}
          </div>
          <div className="cost-row">
            {F('residualPct', 'Residual value', at('residualFraction'), { unit: '% at end of life', placeholder: '0' })}
            {F('opexPerYear', 'Other opex', at('opexPerYear'), { unit: 'USD/year', placeholder: '0' })}
          </div>
          <div className="cost-row">
            {F('powerIdleW', 'Power idle', at('powerIdleW'), { unit: 'W' })}
            {F('powerMaxW', 'Power at full load', at('powerMaxW'), { unit: 'W' })}
          </div>
          {F('colocationPerKWMonth', 'Colocation', at('colocationPerKWMonth'), { unit: 'USD per kW-month', source: fromFigure(DEFAULTS.colocationPerKWMonth) })}
          <div className="cost-row">
            {F('vcpus', 'vCPUs', at('vcpus'), { placeholder: 'for core scaling' })}
            {F('accelerator', 'Accelerator', at('accelerator'), { placeholder: 'none' })}
          </div>
          {F('pue', 'PUE', at('pue'), {
            source: d.ownedPue.trim() ? { what: `energy section ${d.ownedPue}`, ref: null } : fromFigure(DEFAULTS.pueOwned),
          })}
        </>
      )}

      {t.kind === 'edge' && (
        <>
          <p className="hint">Runs on the users' own devices: no compute bill; the marginal energy is paid by the users.</p>
          <div className="cost-row">
            {F('powerIdleW', 'Device power idle', at('powerIdleW'), { unit: 'W' })}
            {F('powerMaxW', 'Device power busy', at('powerMaxW'), { unit: 'W' })}
          </div>
          <div className="cost-row">
            {F('devices', 'Devices', at('devices'), { placeholder: '0', hint: 'each downloads every model update' })}
            {F('cores', 'Cores per device', at('cores'), { placeholder: 'for core scaling' })}
          </div>
          {F('pue', 'PUE', at('pue'), { source: fromFigure(DEFAULTS.pueEdge) })}
        </>
      )}

      {showScale && <ScaleFields t={t} i={i} errors={errors} derivation={derivation} />}
    </div>
  );
}
