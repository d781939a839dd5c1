import { useState } from 'preact/hooks';
import type { Area } from '../../api/types';
import { formatMoney } from '../../lib/money';

/** Standing areas (general admission): places are counted, not picked; choose how many. */
export function StandingAreas({ areas, disabled, onHold }: { areas: readonly Area[]; disabled: boolean; onHold(area: string, quantity: number): void }) {
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  return (
    <section aria-labelledby="standing-title">
      <h2 id="standing-title">Standing</h2>
      <ul class="cards">
        {areas.map((a) => {
          const id = `qty-${a.area.replace(/\W+/g, '-')}`;
          const q = quantities[a.area] ?? 1;
          return (
            <li key={a.area} class="card">
              <h3>{a.area}</h3>
              <p>
                {a.tier} · {formatMoney(a.price)} · {a.available === 0 ? <strong>Sold out</strong> : `${a.available} of ${a.capacity} places left`}
              </p>
              {a.available > 0 && (
                <>
                  <label for={id}>How many places</label>
                  <input id={id} type="number" min={1} max={Math.min(10, a.available)} value={q} onInput={(e) => setQuantities({ ...quantities, [a.area]: Number((e.target as HTMLInputElement).value) })} />
                  <div class="actions">
                    <button type="button" disabled={disabled || q < 1} onClick={() => onHold(a.area, q)}>
                      Hold {q} in {a.area}
                    </button>
                  </div>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
