import { useMemo, useState } from 'preact/hooks';
import { messageOf } from '../../api/errors';
import { createHall, createVenue, listVenues } from '../../api/organizer';
import type { Venue } from '../../api/types';
import { HallPreview } from '../../components/hall-preview';
import { Loaded } from '../../components/loading';
import { Notice } from '../../components/notice';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { hallBody, seatsOf, type SectionDraft } from '../../lib/hall-draft';

/** Venues and their halls: create a venue, then draw a hall's sections and rows with a live preview. */
export function VenuesPage() {
  usePageTitle('Venues and halls');
  const venues = useAsync(() => listVenues(), []);
  const [error, setError] = useState<string>();
  const addVenue = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    try {
      await createVenue({ name: String(f.get('venue-name')), city: String(f.get('city')), address: String(f.get('address')) });
      form.reset();
      setError(undefined);
      venues.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>Venues and halls</h1>
      <form class="card" onSubmit={addVenue} aria-labelledby="new-venue">
        <h2 id="new-venue">New venue</h2>
        {error && <Notice tone="error" title="Could not create the venue">{error}</Notice>}
        <div class="form-grid">
          <div>
            <label for="venue-name">Name</label>
            <input id="venue-name" name="venue-name" required />
          </div>
          <div>
            <label for="city">City</label>
            <input id="city" name="city" required />
          </div>
          <div>
            <label for="address">Address</label>
            <input id="address" name="address" required />
          </div>
        </div>
        <div class="actions">
          <button type="submit">Create venue</button>
        </div>
      </form>
      <Loaded state={venues}>
        {(list) => (
          <>
            {list.map((v) => (
              <VenueCard key={v.id} venue={v} onChange={venues.reload} />
            ))}
          </>
        )}
      </Loaded>
    </section>
  );
}

function VenueCard({ venue, onChange }: { venue: Venue; onChange(): void }) {
  const [editing, setEditing] = useState(false);
  return (
    <article class="card">
      <h2>{venue.name}</h2>
      <p class="muted">
        {venue.address}, {venue.city}
      </p>
      {venue.halls.length > 0 && (
        <ul>
          {venue.halls.map((h) => (
            <li key={h.id}>
              {h.name}: {h.seatCount} seats in {h.sections.map((s) => s.name).join(', ')}
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <HallEditor venue={venue} onDone={() => (setEditing(false), onChange())} />
      ) : (
        <button type="button" class="secondary" onClick={() => setEditing(true)}>
          Add a hall <span class="visually-hidden">to {venue.name}</span>
        </button>
      )}
    </article>
  );
}

function HallEditor({ venue, onDone }: { venue: Venue; onDone(): void }) {
  const [name, setName] = useState('');
  const [sections, setSections] = useState<SectionDraft[]>([{ name: 'Stalls', rows: '5x12' }]);
  const [error, setError] = useState<string[]>();
  const draft = useMemo(() => hallBody(name || 'Preview', sections), [name, sections]);
  const preview = useMemo(() => ('body' in draft ? seatsOf(draft.body) : []), [draft]);
  const set = (k: number, change: Partial<SectionDraft>) => setSections(sections.map((s, i) => (i === k ? { ...s, ...change } : s)));
  const id = (k: number, field: string) => `${venue.id}-section-${k}-${field}`;

  const save = async (e: Event) => {
    e.preventDefault();
    const result = hallBody(name, sections);
    if ('errors' in result) return setError(result.errors);
    try {
      await createHall(venue.id, result.body);
      onDone();
    } catch (err) {
      setError([messageOf(err)]);
    }
  };
  return (
    <form onSubmit={save} aria-label={`New hall in ${venue.name}`}>
      <h3>New hall</h3>
      {error && (
        <Notice tone="error" title="The hall is not ready">
          <ul>
            {error.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </Notice>
      )}
      <label for={`${venue.id}-hall-name`}>Hall name</label>
      <input id={`${venue.id}-hall-name`} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required />
      {sections.map((s, k) => (
        <fieldset key={k}>
          <legend>Section {k + 1}</legend>
          <div class="form-grid">
            <div>
              <label for={id(k, 'name')}>Section name</label>
              <input id={id(k, 'name')} value={s.name} onInput={(e) => set(k, { name: (e.target as HTMLInputElement).value })} />
            </div>
            <div>
              <label for={id(k, 'rows')}>Seats per row, front to back</label>
              <input id={id(k, 'rows')} value={s.rows} aria-describedby={id(k, 'hint')} onInput={(e) => set(k, { rows: (e.target as HTMLInputElement).value })} />
            </div>
          </div>
          <p class="hint" id={id(k, 'hint')}>
            Rows are lettered A, B, C… from the front. "10, 12, 14" is three rows; "5x20" is five rows of 20.
          </p>
          {sections.length > 1 && (
            <button type="button" class="secondary" onClick={() => setSections(sections.filter((_, i) => i !== k))}>
              Remove section {k + 1}
            </button>
          )}
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => setSections([...sections, { name: '', rows: '5x10' }])}>
          Add a section
        </button>
      </div>
      {'errors' in draft ? (
        <p class="hint" role="status">
          Preview waits for: {draft.errors.join(' ')}
        </p>
      ) : (
        <HallPreview seats={preview} label={`Preview: ${preview.length} seats in ${sections.length} section${sections.length === 1 ? '' : 's'}`} />
      )}
      <div class="actions">
        <button type="submit">Create hall</button>
        <button type="button" class="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
