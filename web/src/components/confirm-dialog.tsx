import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal question with the native <dialog>: focus moves into it and stays
 * there, Escape cancels, and the page behind is inert.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onCancel={(e) => (e.preventDefault(), props.onCancel())}>
      <h2 id="dialog-title">{props.title}</h2>
      <div>{props.children}</div>
      <div class="actions">
        <button type="button" class="button secondary" onClick={props.onCancel}>
          {props.cancelLabel ?? 'Keep it'}
        </button>
        <button type="button" class={`button${props.danger ? ' danger' : ''}`} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
