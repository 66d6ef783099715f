/** Confirm deleting a theme, milestone or epic; the API's refusal (e.g. still referenced) is shown in the dialog. */
import type { ReactNode } from 'react';
import { ConfirmDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { useMutation } from '@tanstack/react-query';
import { deleteEntity } from '../api/delete-entity';
import type { Collection } from '../api/entities';

export function DeleteEntityDialog({
  collection,
  id,
  onDeleted,
  children,
  ...confirm
}: {
  collection: Collection;
  id: string;
  open: boolean;
  title: string;
  confirmLabel: string;
  onClose(): void;
  onDeleted(): void;
  /** what deleting means; the API's error goes below it */
  children: ReactNode;
}) {
  const remove = useMutation({ mutationFn: () => deleteEntity(collection, id) });
  return (
    <ConfirmDialog
      {...confirm}
      pending={remove.isPending}
      onConfirm={async () => {
        try {
          await remove.mutateAsync();
          confirm.onClose();
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
