/**
 * A modal dialog on the native `<dialog>` (focus trapped, Esc closes, focus returns to the
 * opener), and a confirmation and a form dialog built on it.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  description?: ReactNode;
}

export function Dialog({ open, title, onClose, children, footer, size = 'medium', description }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    } else if (!open && d.open) {
      if (typeof d.close === 'function') d.close();
      else d.removeAttribute('open');
      (opener.current as HTMLElement | null)?.focus?.();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog dialog--${size}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // a click on the backdrop (the dialog element itself, outside its panel) closes it
        if (e.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="dialog__panel">
          <header className="dialog__header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-button" onClick={onClose} aria-label="Close dialog">
              ×
            </button>
          </header>
          {description && <div className="dialog__description">{description}</div>}
          <div className="dialog__body">{children}</div>
          {footer && <footer className="dialog__footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}

interface FormDialogProps extends Pick<DialogProps, 'title' | 'onClose' | 'children' | 'size'> {
  /** the id of the caller's `<form>`, which the footer's submit button submits */
  formId: string;
  submitLabel: string;
  pendingLabel?: string;
  pending: boolean;
  /** submit unavailable besides while pending, e.g. a required field is empty */
  disabled?: boolean;
  /** a Delete button on the left (editing an existing record) */
  onDelete?(): void;
  deleteLabel?: string;
}

/** An open dialog around one form: Cancel and submit in the footer, optionally Delete. */
export function FormDialog({ formId, submitLabel, pendingLabel = 'Saving…', pending, disabled, onDelete, deleteLabel = 'Delete', size = 'small', ...dialog }: FormDialogProps) {
  return (
    <Dialog
      open
      size={size}
      {...dialog}
      footer={
        <>
          {onDelete && (
            <button type="button" className="button button--danger-ghost" style={{ marginRight: 'auto' }} onClick={onDelete}>
              {deleteLabel}
            </button>
          )}
          <button type="button" className="button button--secondary" onClick={dialog.onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button--primary" disabled={pending || disabled}>
            {pending ? pendingLabel : submitLabel}
          </button>
        </>
      }
    />
  );
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  danger = true,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  onClose(): void;
  pending?: boolean;
  danger?: boolean;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      size="small"
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={`button ${danger ? 'button--danger' : 'button--primary'}`} onClick={onConfirm} disabled={pending}>
            {pending ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
