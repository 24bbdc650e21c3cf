import { useId, type ReactNode } from 'react';
import type { DefaultFigure } from '../../core/cost/catalogue';
import type { SourceRef } from '../../core/cost/sources';
import { num } from './format';

export interface SourceNote {
  /** "default 0.023 USD/GB-month" or "catalogue $0.1785/h". */
  what: string;
  /** Where the figure comes from; null when the user typed it. */
  ref: SourceRef | null;
  /** How the figure is computed from its source, when it is not printed there. */
  derived?: string;
  estimate?: boolean;
  note?: string;
}

export const fromFigure = (f: DefaultFigure, prefix = 'default'): SourceNote => ({
  what: `${prefix} ${num(f.value, 4)} ${f.unit === 'ratio' ? '' : f.unit}`.trim(),
  ref: f.source,
  derived: f.derived,
  estimate: f.estimate,
  note: f.note,
});

/** "publisher, title · read 2026-12-06", the publisher linking to the source's address. */
export function Cite({ r, url = false }: { r: SourceRef | null; url?: boolean }) {
  if (!r) return <span>typed by you</span>;
  return (
    <span className="cost-cite" data-testid="source-cite">
      <a href={r.url} target="_blank" rel="noreferrer noopener" title={r.url}>
        {r.publisher}
      </a>
      , {r.title} · <span className="cost-date">{`${r.dateKind} ${r.date}`}</span>
      {r.via && <span className="muted"> (via {r.via})</span>}
      {url && (
        <>
          {' · '}
          <a href={r.url} target="_blank" rel="noreferrer noopener" className="cost-url">
            {r.url}
          </a>
        </>
      )}
    </span>
  );
}

/** A "what · source · date" line under a field whose value is (or can be) a sourced default. */
export function Source({ s, used = true }: { s: SourceNote; used?: boolean }) {
  const r = s.ref;
  const title = [s.what, r ? `${r.publisher}, ${r.title}, ${r.dateKind} ${r.date}, ${r.url}` : 'typed by you', s.estimate ? 'estimate' : '', s.derived ? `derived: ${s.derived}` : '', s.note ?? '']
    .filter(Boolean)
    .join(' · ');
  return (
    <span className={`cost-source${used ? '' : ' unused'}`} title={title} data-testid="field-source">
      {used ? '' : 'replaces '}
      {s.what}
      {s.estimate && <span className="badge warn">estimate</span>}
      {s.derived && <span className="badge">derived</span>} · <Cite r={r} />
    </span>
  );
}

interface FieldProps {
  label: string;
  /** Scenario path: where its errors are keyed; also `data-field` for tests. */
  path: string;
  value: string;
  onChange: (value: string) => void;
  errors: Record<string, string>;
  unit?: string;
  placeholder?: string;
  /** The sourced default this field falls back to when empty. */
  source?: SourceNote;
  hint?: ReactNode;
  /** Extra error paths shown under this field (e.g. a cross-field check keyed elsewhere). */
  alsoPaths?: string[];
  wide?: boolean;
}

/** A number (kept as typed) with its error and, for default-backed fields, where the default comes from. */
export function Field({ label, path, value, onChange, errors, unit, placeholder, source, hint, alsoPaths = [], wide }: FieldProps) {
  const id = useId();
  const messages = [path, ...alsoPaths].map((p) => errors[p]).filter(Boolean);
  return (
    <div className={`cost-field${messages.length ? ' invalid' : ''}${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>
        {label}
        {unit && <span className="muted"> ({unit})</span>}
      </label>
      <input
        id={id}
        value={value}
        inputMode="decimal"
        placeholder={placeholder ?? (source ? source.what.replace(/^default /, '') : '')}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={messages.length > 0}
        data-field={path}
      />
      {messages.map((m) => (
        <span key={m} className="field-error" role="alert" data-error-for={path}>
          {m}
        </span>
      ))}
      {source && <Source s={source} used={value.trim() === ''} />}
      {hint && <span className="hint">{hint}</span>}
    </div>
  );
}

/** Errors keyed by paths no field shows (e.g. "variants: needs at least one"). */
export function ErrorList({ errors, shown, label }: { errors: Record<string, string>; shown: (path: string) => boolean; label: (path: string) => string }) {
  const rest = Object.entries(errors).filter(([p]) => !shown(p));
  if (rest.length === 0) return null;
  return (
    <ul className="cost-errors" data-testid="cost-other-errors">
      {rest.map(([p, m]) => (
        <li key={p} className="field-error">
          {label(p)}: {m}
        </li>
      ))}
    </ul>
  );
}

/** A scenario path in words: `targets.1.instance` → "Target 2 › instance". */
export const pathLabel = (path: string) =>
  path === ''
    ? 'Scenario'
    : path
        .replace(/^targets\.(\d+)/, (_, i: string) => `Target ${Number(i) + 1}`)
        .replace(/^variants\.(\d+)/, (_, i: string) => `Variant ${Number(i) + 1}`)
        .replace(/\./g, ' › ');
