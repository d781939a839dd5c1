import { useMemo, useState } from 'preact/hooks';
import { messageOf } from '../../api/errors';
import { addSession } from '../../api/organizer';
import type { Venue } from '../../api/types';
import { Notice } from '../../components/notice';
import { sessionTiers, type AreaDraft, type SectionPricing } from '../../lib/session-draft';
import { localInputToIso } from '../../lib/time';

/** A new date of an event: the hall, start and end, a tier and price per section, and standing areas. */
export function NewSessionForm({ eventId, venues, onAdded }: { eventId: string; venues: readonly Venue[]; onAdded(): void }) {
  const halls = useMemo(() => venues.flatMap((v) => v.halls.map((h) => ({ ...h, label: `${v.name}: ${h.name} (${h.seatCount} seats)` }))), [venues]);
  const [hallId, setHallId] = useState(halls[0]?.id ?? '');
  const hall = halls.find((h) => h.id === hallId);
  const [pricing, setPricing] = useState<Record<string, { tier: string; price: string }>>({});
  const [areas, setAreas] = useState<AreaDraft[]>([]);
  const [currency, setCurrency] = useState('EUR');
  const [errors, setErrors] = useState<string[]>();

  if (!halls.length) return <p>Create a venue with a hall first, under “Venues and halls”.</p>;

  const priceOf = (section: string) => pricing[section] ?? { tier: section, price: '' };
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const sections: SectionPricing[] = (hall?.sections ?? []).map((s) => ({ section: s.name, ...priceOf(s.name) }));
    const result = sessionTiers(sections, areas, currency);
    if ('errors' in result) return setErrors(result.errors);
    const starts = String(f.get('starts'));
    const ends = String(f.get('ends'));
    if (!starts || !ends || Date.parse(ends) <= Date.parse(starts)) return setErrors(['The end must come after the start.']);
    try {
      await addSession(eventId, { hallId, startsAt: localInputToIso(starts), endsAt: localInputToIso(ends), tiers: result.tiers });
      setErrors(undefined);
      onAdded();
    } catch (err) {
      setErrors([messageOf(err)]);
    }
  };
  const setArea = (k: number, change: Partial<AreaDraft>) => setAreas(areas.map((a, i) => (i === k ? { ...a, ...change } : a)));

  return (
    <form class="card" onSubmit={submit} aria-label="Add a date">
      {errors && (
        <Notice tone="error" title="The date is not ready">
          <ul>
            {errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </Notice>
      )}
      <label for="hall">Hall</label>
      <select id="hall" value={hallId} onChange={(e) => setHallId((e.target as HTMLSelectElement).value)}>
        {halls.map((h) => (
          <option key={h.id} value={h.id}>
            {h.label}
          </option>
        ))}
      </select>
      <div class="form-grid">
        <div>
          <label for="starts">Starts</label>
          <input id="starts" name="starts" type="datetime-local" required />
        </div>
        <div>
          <label for="ends">Ends</label>
          <input id="ends" name="ends" type="datetime-local" required />
        </div>
        <div>
          <label for="currency">Currency</label>
          <select id="currency" value={currency} onChange={(e) => setCurrency((e.target as HTMLSelectElement).value)}>
            {['EUR', 'USD', 'GBP', 'CHF'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
      </div>
      <fieldset>
        <legend>Prices per section</legend>
        <p class="hint">Sections with the same tier name form one tier. Clear a section's tier to keep it off sale.</p>
        {hall?.sections.map((s, k) => {
          const p = priceOf(s.name);
          return (
            <div class="form-grid" key={s.name}>
              <div>
                <label for={`tier-${k}`}>{s.name}: tier</label>
                <input id={`tier-${k}`} value={p.tier} onInput={(e) => setPricing({ ...pricing, [s.name]: { ...p, tier: (e.target as HTMLInputElement).value } })} />
              </div>
              <div>
                <label for={`price-${k}`}>{s.name}: price</label>
                <input id={`price-${k}`} inputMode="decimal" value={p.price} onInput={(e) => setPricing({ ...pricing, [s.name]: { ...p, price: (e.target as HTMLInputElement).value } })} />
              </div>
            </div>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>Standing areas</legend>
        {areas.map((a, k) => (
          <div class="form-grid" key={k}>
            <div>
              <label for={`area-${k}`}>Area name</label>
              <input id={`area-${k}`} value={a.area} onInput={(e) => setArea(k, { area: (e.target as HTMLInputElement).value })} />
            </div>
            <div>
              <label for={`capacity-${k}`}>Capacity</label>
              <input id={`capacity-${k}`} inputMode="numeric" value={a.capacity} onInput={(e) => setArea(k, { capacity: (e.target as HTMLInputElement).value })} />
            </div>
            <div>
              <label for={`area-tier-${k}`}>Tier</label>
              <input id={`area-tier-${k}`} value={a.tier} onInput={(e) => setArea(k, { tier: (e.target as HTMLInputElement).value })} />
            </div>
            <div>
              <label for={`area-price-${k}`}>Price</label>
              <input id={`area-price-${k}`} inputMode="decimal" value={a.price} onInput={(e) => setArea(k, { price: (e.target as HTMLInputElement).value })} />
            </div>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => setAreas([...areas, { area: '', capacity: '', tier: 'Standing', price: '' }])}>
          Add a standing area
        </button>
      </fieldset>
      <div class="actions">
        <button type="submit">Add date</button>
      </div>
    </form>
  );
}
