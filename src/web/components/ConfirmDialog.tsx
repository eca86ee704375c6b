import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useT } from '../i18n.js';
import { FormError } from './Alerts.js';

/**
 * A modal confirmation on the native <dialog>: the rest of the page is inert
 * while it is open, Escape cancels, and focus starts on the first
 * element marked data-autofocus ("Cancel" unless the content marks a field). Its content
 * may hold fields (e.g. the current password); Enter confirms.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
  error,
  destructive = true,
  fields,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: unknown;
  destructive?: boolean;
  /** Fields inside the dialog that show their own errors. */
  fields?: readonly string[];
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The first field marked data-autofocus (a field in the content, else "Cancel").
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onClose={() => {
        if (open) onCancel();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div id={bodyId}>{children}</div>
        <FormError error={error} fields={fields} />
        <div className="button-row">
          <button type="button" className="button-secondary" onClick={onCancel} data-autofocus>
            {t('web.common.cancel')}
          </button>
          <button
            type="submit"
            className={destructive ? 'button-danger' : undefined}
            disabled={busy}
          >
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
