import {
  useId,
  useState,
  type InputHTMLAttributes,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { intlLocale, useT } from '../i18n.js';
import { ApiError } from '../api.js';
import type { Option } from '../reference.js';

/**
 * Field messages of an API error, by field name (query-string paths lose their
 * prefix). A message about one item of a list (`languages.3`) is also the
 * list field's message.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const f of error.fields) {
    const path = f.path.replace(/^querystring\./, '');
    out[path] ??= f.message;
    const head = path.split('.')[0];
    if (head && head !== path) out[head] ??= f.message;
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

/** A labelled multi-line text field. */
export function TextAreaField({
  label,
  error,
  hint,
  id,
  className,
  ...textarea
}: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(error, hint, id);
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={ids.fieldId}>{label}</label>
      <FieldText hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} />
      <textarea
        id={ids.fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        rows={4}
        {...textarea}
      />
    </div>
  );
}

/** One checkbox with its label beside it. */
export function CheckboxField({
  label,
  error,
  hint,
  id,
  className,
  ...input
}: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const ids = useFieldIds(error, hint, id);
  return (
    <div
      className={['field', 'field-checkbox', error ? 'field-invalid' : '', className ?? '']
        .join(' ')
        .trim()}
    >
      <input
        id={ids.fieldId}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
      <label htmlFor={ids.fieldId}>{label}</label>
      <FieldText hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} />
    </div>
  );
}

/**
 * Several choices as checkboxes in a fieldset (a multi-select that works with
 * the keyboard and screen readers). With `searchLabel`, a text field narrows
 * the visible choices; what is chosen stays chosen, and is listed above.
 */
export function CheckboxGroup({
  legend,
  options,
  value,
  onChange,
  error,
  hint,
  searchLabel,
  columns = false,
}: {
  legend: string;
  options: readonly Option[];
  value: readonly string[];
  onChange: (next: string[]) => void;
  error?: string | undefined;
  hint?: string | undefined;
  searchLabel?: string;
  columns?: boolean;
}) {
  const t = useT();
  const ids = useFieldIds(error, hint, undefined);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLocaleLowerCase(intlLocale());
  const visible = needle
    ? options.filter(
        (o) =>
          o.label.toLocaleLowerCase(intlLocale()).includes(needle) ||
          o.value.toLowerCase() === needle,
      )
    : options;
  const chosen = options.filter((o) => value.includes(o.value));
  const toggle = (v: string, on: boolean) =>
    onChange(on ? [...value.filter((x) => x !== v), v] : value.filter((x) => x !== v));

  return (
    <fieldset
      className={['field', 'checkbox-group', error ? 'field-invalid' : ''].join(' ').trim()}
      aria-describedby={ids.describedBy}
    >
      <legend>{legend}</legend>
      <FieldText hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} />
      {searchLabel ? (
        <>
          <p className="chosen">
            {chosen.length > 0
              ? t('web.common.chosen', { list: chosen.map((o) => o.label).join(', ') })
              : t('web.common.noneChosen')}
          </p>
          <div className="field checkbox-search">
            <label htmlFor={`${ids.fieldId}-search`}>{searchLabel}</label>
            <input
              id={`${ids.fieldId}-search`}
              type="search"
              autoComplete="off"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                // Enter in the search box narrows the list; it does not submit the form.
                if (e.key === 'Enter') e.preventDefault();
              }}
            />
          </div>
        </>
      ) : null}
      <ul className={columns ? 'checkbox-list checkbox-columns' : 'checkbox-list'}>
        {visible.map((o) => {
          const optionId = `${ids.fieldId}-${o.value}`;
          return (
            <li key={o.value}>
              <input
                id={optionId}
                type="checkbox"
                checked={value.includes(o.value)}
                onChange={(e) => toggle(o.value, e.target.checked)}
              />
              <label htmlFor={optionId}>{o.label}</label>
            </li>
          );
        })}
      </ul>
      {visible.length === 0 ? <p className="empty">{t('web.common.noMatches')}</p> : null}
    </fieldset>
  );
}
