import { useState } from 'preact/hooks';
import { messageOf } from '../../api/errors';
import { createEvent } from '../../api/organizer';
import { CATEGORIES, type Category } from '../../api/types';
import { Notice } from '../../components/notice';
import { usePageTitle } from '../../components/use-page-title';
import { navigate } from '../../router';

/** A new draft event; its dates and prices come next, on the event's page. */
export function NewEventPage() {
  usePageTitle('New event');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      const event = await createEvent({ title: String(f.get('title')), description: String(f.get('description')), category: String(f.get('category')) as Category });
      navigate(`/organizer/events/${event.id}`);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>New event</h1>
      {error && <Notice tone="error" title="Could not create the event">{error}</Notice>}
      <form onSubmit={submit}>
        <label for="title">Title</label>
        <input id="title" name="title" required maxLength={200} />
        <label for="description">Description</label>
        <textarea id="description" name="description" rows={4} maxLength={5000} />
        <label for="category">Category</label>
        <select id="category" name="category" required>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c[0]!.toUpperCase() + c.slice(1)}
            </option>
          ))}
        </select>
        <div class="actions">
          <button type="submit">Create draft</button>
        </div>
      </form>
    </section>
  );
}
