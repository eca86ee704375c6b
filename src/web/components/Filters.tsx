import { useState, type FormEvent, type ReactNode } from 'react';
import { useT } from '../i18n.js';
import { useSearchParams } from 'react-router';

/**
 * Filters kept in the address (so a filtered list can be linked, reloaded and
 * reached with Back), edited in a draft until the person searches.
 */
export function useFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const read = () =>
    Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ''])) as Record<K, string>;
  const applied = read();
  const [draft, setDraft] = useState(applied);
  const [seen, setSeen] = useState(params.toString());
  if (seen !== params.toString()) {
    // The address changed (Back, a link, paging): the form shows what is applied.
    setSeen(params.toString());
    setDraft(applied);
  }

  const apply = () => {
    const next = new URLSearchParams();
    for (const k of keys) if (draft[k]) next.set(k, draft[k]);
    setParams(next);
  };
  const clear = () => setParams(new URLSearchParams());
  /** Changes one paging value (offset, before), keeping the filters. */
  const setPage = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const field = (k: K) => ({
    name: k,
    value: draft[k],
    onChange: (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [k]: e.target.value })),
  });
  const active = keys.some((k) => applied[k] !== '');

  return { applied, params, field, apply, clear, setPage, active };
}

/** A search form for a list, with "Search" and "Clear filters". */
export function FilterForm({
  label,
  onApply,
  onClear,
  children,
}: {
  label: string;
  onApply: () => void;
  onClear: () => void;
  children: ReactNode;
}) {
  const t = useT();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onApply();
  };
  return (
    <form className="filters" role="search" aria-label={label} noValidate onSubmit={submit}>
      <div className="filter-fields">{children}</div>
      <div className="button-row">
        <button type="submit">{t('web.common.search')}</button>
        <button type="button" className="button-secondary" onClick={onClear}>
          {t('web.common.clearFilters')}
        </button>
      </div>
    </form>
  );
}
