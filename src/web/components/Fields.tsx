import { useId, type InputHTMLAttributes, type SelectHTMLAttributes } from 'react';
import { ApiError } from '../api.js';
import type { Option } from '../reference.js';

/** Field messages of an API error, by field name (query-string paths lose their prefix). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const f of error.fields) {
    const path = f.path.replace(/^querystring\./, '');
    out[path] ??= f.message;
  }
  return out;
}

interface FieldFrame {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

function useFieldIds(error: string | undefined, hint: string | undefined, id: string | undefined) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return { fieldId, hintId, errorId, describedBy: describedBy || undefined };
}

function FieldText({
  hint,
  hintId,
  error,
  errorId,
}: {
  hint: string | undefined;
  hintId: string;
  error: string | undefined;
  errorId: string;
}) {
  return (
    <>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A labelled input; its hint and error are tied to it with aria-describedby. */
export function TextField({
  label,
  error,
  hint,
  id,
  className,
  ...input
}: FieldFrame & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(error, hint, id);
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={ids.fieldId}>{label}</label>
      <FieldText hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} />
      <input
        id={ids.fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </div>
  );
}

/** A labelled select; `emptyLabel` adds a first option with an empty value (e.g. "All"). */
export function SelectField({
  label,
  error,
  hint,
  id,
  options,
  emptyLabel,
  className,
  ...select
}: FieldFrame & {
  options: readonly Option[];
  emptyLabel?: string;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const ids = useFieldIds(error, hint, id);
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={ids.fieldId}>{label}</label>
      <FieldText hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} />
      <select
        id={ids.fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...select}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
