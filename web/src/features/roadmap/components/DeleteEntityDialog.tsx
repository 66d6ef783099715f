/** Confirm deleting a theme, milestone or epic; the API's refusal (e.g. still referenced) is shown in the dialog. */
import type { ReactNode } from 'react';
import { ConfirmDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { useMutation } from '../../../lib/query';
import { deleteEntity } from '../api/delete-entity';
import type { Collection } from '../api/entities';

export function DeleteEntityDialog({
  collection,
  id,
  open,
  title,
  confirmLabel,
  onClose,
  onDeleted,
  children,
}: {
  collection: Collection;
  id: string;
  open: boolean;
  title: string;
  confirmLabel: string;
  onClose(): void;
  onDeleted(): void;
  /** what deleting means, above the error if any */
  children: ReactNode;
}) {
  const remove = useMutation(() => deleteEntity(collection, id));
  return (
    <ConfirmDialog
      open={open}
      title={title}
      confirmLabel={confirmLabel}
      pending={remove.pending}
      onClose={onClose}
      onConfirm={async () => {
        try {
          await remove.mutate(undefined);
          onClose();
          onDeleted();
        } catch {
          // shown below
        }
      }}
    >
      {children}
      <FormError error={remove.error} />
    </ConfirmDialog>
  );
}
