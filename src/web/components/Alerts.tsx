import type { ReactNode } from 'react';
import { useT } from '../i18n.js';
import { ApiError } from '../api.js';

function asApiError(error: unknown, fallback: string): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unexpected', fallback);
}

/**
 * The error of a form submission: the server's (translated) message, plus
 * any field messages that no field on the form shows itself.
 */
export function FormError({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  const t = useT();
  if (!error) return null;
  const e = asApiError(error, t('web.errors.unexpected'));
  const shown = (path: string) => {
    const p = path.replace(/^querystring\./, '');
    return fields.includes(p) || fields.includes(p.split('.')[0] ?? p);
  };
  const others = e.fields.filter((f) => !shown(f.path));
  return (
    <div className="alert alert-error" role="alert">
      <p>{e.message}</p>
      {others.length > 0 ? (
        <ul>
          {others.map((f) => (
            <li key={f.path}>{f.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A confirmation that something worked. */
export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="alert alert-success" role="status">
      {children}
    </div>
  );
}

/** Neutral information. */
export function Info({ children }: { children: ReactNode }) {
  return <div className="alert alert-info">{children}</div>;
}

export function Loading() {
  const t = useT();
  return (
    <p className="loading" role="status">
      {t('web.common.loading')}
    </p>
  );
}

/** Loading failed: what went wrong, and (when trying again can help) a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const e = asApiError(error, t('web.errors.unexpected'));
  return (
    <div className="alert alert-error" role="alert">
      <p>{e.message}</p>
      {onRetry && (e.status === 0 || e.status >= 500) ? (
        <button type="button" className="button-secondary" onClick={onRetry}>
          {t('web.common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
