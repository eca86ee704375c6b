import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useT } from '../i18n.js';

let firstPageShown = false;

/**
 * One page: sets the document title and, after a navigation (not on the first
 * load), moves focus to the heading so screen readers announce the new page.
 */
export function Page({
  title,
  actions,
  narrow = false,
  children,
}: {
  title: string;
  actions?: ReactNode;
  narrow?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = t('web.app.documentTitle', { page: title });
  }, [t, title]);

  useEffect(() => {
    if (firstPageShown) heading.current?.focus();
    firstPageShown = true;
  }, []);

  return (
    <div className={narrow ? 'page page-narrow' : 'page'}>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}

/** A titled part of a page. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
