import type { SeatMapModel } from '../../api/seat-map';
import { formatMoney, formatTotal } from '../../lib/money';

/** The picked seats, their total, and the button that holds them. */
export function Basket(props: { model: SeatMapModel; picked: ReadonlySet<number>; signedIn: boolean; holding: boolean; onRemove(i: number): void; onHold(): void }) {
  const seats = [...props.picked].map((i) => ({ i, seat: props.model.seats[i]! }));
  return (
    <section class="card basket" aria-labelledby="basket-title">
      <h2 id="basket-title">Your seats</h2>
      {seats.length === 0 ? (
        <p class="muted">Pick seats on the map: click them, or focus the map and use the arrow keys and Enter.</p>
      ) : (
        <ul aria-label="Picked seats">
          {seats.map(({ i, seat }) => (
            <li key={seat.id}>
              <span>
                {seat.section}, row {seat.row}, seat {seat.number}
                <br />
                <span class="muted">
                  {seat.tier} · {formatMoney(seat.price)}
                </span>
              </span>
              <button type="button" class="secondary" onClick={() => props.onRemove(i)}>
                Remove <span class="visually-hidden">{`${seat.section} row ${seat.row} seat ${seat.number}`}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="total" aria-live="polite">
        Total: <span data-testid="total">{formatTotal(seats.map((s) => s.seat.price))}</span>
      </p>
      <button type="button" disabled={seats.length === 0 || props.holding} onClick={props.onHold}>
        {props.holding ? 'Holding…' : props.signedIn ? (seats.length ? `Hold ${seats.length} seat${seats.length === 1 ? '' : 's'}` : 'Hold seats') : 'Sign in to hold seats'}
      </button>
      <p class="hint">A hold keeps the seats for you for 10 minutes while you pay.</p>
    </section>
  );
}
