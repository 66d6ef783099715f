/** An epic's user stories: add, change status, rename, delete (each saved at once). */
import { useId, useState, type FormEvent } from 'react';
import type { Story } from '../../../../../shared/roadmap';
import { FormError } from '../../../components/States';
import { useMutation } from '@tanstack/react-query';
import { createEntity } from '../api/create-entity';
import { deleteEntity } from '../api/delete-entity';
import { updateEntity } from '../api/update-entity';
import { slugify } from '../lib/epic-form';

const STORY_STATUS: Record<Story['status'], string> = { todo: 'To do', in_progress: 'In progress', done: 'Done' };

export function StoriesEditor({ epicId, stories }: { epicId: string; stories: Story[] }) {
  const [title, setTitle] = useState('');
  const newId = useId();
  const add = useMutation({ mutationFn: (t: string) => {
    const base = slugify(`${epicId}-${t}`).slice(0, 56) || epicId;
    const id = `${base}-${Math.random().toString(36).slice(2, 6)}`;
    return createEntity('stories', { id, epicId, title: t, status: 'todo' });
  } });
  const change = useMutation({ mutationFn: ({ id, patch }: { id: string; patch: Record<string, unknown> }) => updateEntity('stories', id, patch) });
  const remove = useMutation({ mutationFn: (id: string) => deleteEntity('stories', id) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    try {
      await add.mutateAsync(title.trim());
      setTitle('');
    } catch {
      // shown below
    }
  };

  return (
    <section className="form-section" aria-labelledby={`${newId}-h`}>
      <h3 id={`${newId}-h`} className="form-section__title">
        User stories ({stories.length})
      </h3>
      <FormError error={add.error ?? change.error ?? remove.error} />
      {stories.length > 0 && (
        <ul className="story-list">
          {stories.map((s) => (
            <li key={s.id} className="story">
              <input
                type="text"
                aria-label="Story title"
                defaultValue={s.title}
                onBlur={(e) => {
                  if (e.target.value.trim() && e.target.value.trim() !== s.title) void change.mutateAsync({ id: s.id, patch: { title: e.target.value.trim() } }).catch(() => undefined);
                }}
              />
              <select aria-label={`Status of “${s.title}”`} value={s.status} onChange={(e) => void change.mutateAsync({ id: s.id, patch: { status: e.target.value } }).catch(() => undefined)}>
                {(Object.keys(STORY_STATUS) as Story['status'][]).map((k) => (
                  <option key={k} value={k}>
                    {STORY_STATUS[k]}
                  </option>
                ))}
              </select>
              <button type="button" className="button button--danger-ghost button--small" onClick={() => void remove.mutateAsync(s.id).catch(() => undefined)} aria-label={`Delete story “${s.title}”`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="story" onSubmit={submit}>
        <input id={newId} type="text" placeholder="As a shopper I can…" aria-label="New story" value={title} onChange={(e) => setTitle(e.target.value)} />
        <span />
        <button type="submit" className="button button--secondary button--small" disabled={add.isPending || !title.trim()}>
          Add story
        </button>
      </form>
    </section>
  );
}
