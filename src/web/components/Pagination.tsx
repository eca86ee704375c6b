import { useEffect, useRef } from 'react';
import { intlLocale, useT, type WebKey } from '../i18n.js';

/** The texts of one pager (i18n keys): its landmark, what it counts, and the buttons' names. */
export interface PaginationTexts {
  /** The landmark's name; give each pager of a page its own. */
  label: WebKey;
  /** "Showing {{from}}–{{to}} of {{total}}". */
  showing: WebKey;
  /** "There is no page {{page}} (the last is page {{last}})". */
  pastEnd: WebKey;
  /** Accessible names of the buttons, when "Previous" and "Next" alone would be ambiguous. */
  previous?: WebKey;
  next?: WebKey;
}

const COMMON: PaginationTexts = {
  label: 'web.common.pages',
  showing: 'web.common.showing',
  pastEnd: 'web.common.pastEnd',
};

/**
 * "Showing 1–50 of 120" with previous and next page buttons. An offset past the
 * end (from an address) says so, and Previous leads back to the last page. A
 * button that becomes disabled (the first or last page reached) hands the focus
 * to the other one, so it does not fall back to the start of the page.
 */
export function Pagination({
  total,
  offset,
  limit,
  onChange,
  texts = COMMON,
}: {
  total: number;
  offset: number;
  limit: number;
  onChange: (offset: number) => void;
  texts?: PaginationTexts;
}) {
  const t = useT();
  const status = useRef<HTMLParagraphElement>(null);
  const previous = useRef<HTMLButtonElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const pressed = useRef<'previous' | 'next' | null>(null);
  useEffect(() => {
    const [own, other] = pressed.current === 'next' ? [next, previous] : [previous, next];
    if (pressed.current && own.current?.disabled)
      (other.current?.disabled === false ? other.current : status.current)?.focus();
    pressed.current = null;
  }, [offset]);
  if (total === 0) return null;
  const count = (n: number) => new Intl.NumberFormat(intlLocale()).format(n);
  const pastEnd = offset >= total;
  const lastOffset = Math.floor((total - 1) / limit) * limit;
  const to = Math.min(offset + limit, total);
  const go = (button: 'previous' | 'next', at: number) => {
    pressed.current = button;
    onChange(at);
  };
  return (
    <nav className="pagination" aria-label={t(texts.label)}>
      <p ref={status} tabIndex={-1} aria-live="polite">
        {pastEnd
          ? t(texts.pastEnd, {
              page: count(Math.floor(offset / limit) + 1),
              last: count(lastOffset / limit + 1),
            })
          : t(texts.showing, { from: count(offset + 1), to: count(to), total: count(total) })}
      </p>
      {/* Always there, disabled at the ends: the layout stays put and the focus has a place. */}
      <div className="button-row">
        <button
          ref={previous}
          type="button"
          className="button-secondary"
          aria-label={texts.previous ? t(texts.previous) : undefined}
          disabled={offset === 0}
          onClick={() => go('previous', pastEnd ? lastOffset : Math.max(0, offset - limit))}
        >
          {t('web.common.previous')}
        </button>
        <button
          ref={next}
          type="button"
          className="button-secondary"
          aria-label={texts.next ? t(texts.next) : undefined}
          disabled={to >= total}
          onClick={() => go('next', offset + limit)}
        >
          {t('web.common.next')}
        </button>
      </div>
    </nav>
  );
}
