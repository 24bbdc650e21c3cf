import { useId, type ReactNode } from 'react';
import type { DefaultFigure } from '../../core/cost/catalogue';
import { num } from './format';

export interface SourceNote {
  /** "default 0.023 USD/GB-month" or "catalogue $0.1785/h". */
  what: string;
  source: string;
  date: string;
  estimate?: boolean;
  note?: string;
}

export const fromFigure = (f: DefaultFigure, prefix = 'default'): SourceNote => ({
  what: `${prefix} ${num(f.value, 4)} ${f.unit === 'ratio' ? '' : f.unit}`.trim(),
  source: f.source,
  date: f.date,
  estimate: f.estimate,
  note: f.note,
});

/** A "what · source · date" line under a field whose value is (or can be) a sourced default. */
export function Source({ s, used = true }: { s: SourceNote; used?: boolean }) {
  const title = [s.what, s.source, s.date, s.estimate ? 'estimate' : '', s.note ?? ''].filter(Boolean).join(' · ');
  return (
    <span className={`cost-source${used ? '' : ' unused'}`} title={title} data-testid="field-source">
      {used ? '' : 'replaces '}
      {s.what}
      {s.estimate && <span className="badge warn">estimate</span>} · {s.source} · <span className="cost-date">{s.date}</span>
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
