import { useEffect, useRef, useState } from 'preact/hooks';
import { cancelReservation, confirmReservation, getReservation } from '../../api/booking';
import { ApiError, messageOf } from '../../api/errors';
import type { Reservation } from '../../api/types';
import { Countdown } from '../../components/countdown';
import { Notice } from '../../components/notice';
import { formatMoney } from '../../lib/money';

/** The mock provider's test cards (README: payment tokens); a real shop would show a card form here. */
const CARDS = [
  { token: 'tok_visa', label: 'Visa test card (pays)' },
  { token: 'tok_mastercard', label: 'Mastercard test card (pays)' },
  { token: 'tok_slow', label: 'Slow card (answers after a few seconds)' },
  { token: 'tok_declined', label: 'Declined card' },
];
const POLL_MS = 1_500;

type Phase = 'ready' | 'paying' | 'processing';

/**
 * Paying for a hold. A declined card keeps the hold (and its countdown): try
 * another. A slow payment (202 processing) is followed by polling the
 * reservation until it is confirmed or ends. The hold ending, by the
 * countdown or by the API's 409 RESERVATION_EXPIRED, ends the checkout.
 */
export function Checkout(props: { reservation: Reservation; onPaid(reservationId: string): void; onEnded(why: 'expired' | 'cancelled'): void }) {
  const r = props.reservation;
  const [card, setCard] = useState(CARDS[0]!.token);
  const [phase, setPhase] = useState<Phase>('ready');
  const [problem, setProblem] = useState<{ title: string; text: string }>();
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  const follow = async () => {
    setPhase('processing');
    while (mounted.current) {
      await new Promise((done) => setTimeout(done, POLL_MS));
      try {
        const now = await getReservation(r.id);
        if (now.status === 'confirmed') return props.onPaid(r.id);
        if (now.status !== 'active') return props.onEnded('expired');
      } catch {
        // A poll that fails is tried again.
      }
    }
  };

  const pay = async (e: Event) => {
    e.preventDefault();
    setPhase('paying');
    setProblem(undefined);
    try {
      const answer = await confirmReservation(r.id, card);
      if (answer.status === 202) return void follow();
      props.onPaid(r.id);
    } catch (err) {
      setPhase('ready');
      if (!(err instanceof ApiError)) return setProblem({ title: 'Payment failed', text: messageOf(err) });
      switch (err.code) {
        case 'PAYMENT_DECLINED':
          return setProblem({ title: 'Your card was declined', text: 'Nothing was charged. Try another card: your seats are still held until the countdown ends.' });
        case 'RESERVATION_EXPIRED':
          return props.onEnded('expired');
        case 'RESERVATION_CANCELLED':
          return props.onEnded('cancelled');
        case 'RESERVATION_CONFIRMED':
          return props.onPaid(r.id);
        case 'PAYMENT_PENDING':
        case 'CONFIRMATION_IN_PROGRESS':
          return void follow();
        default:
          return setProblem({ title: 'Payment failed', text: `${err.detail} Your seats are still held; you can try again.` });
      }
    }
  };

  const cancel = async () => {
    try {
      await cancelReservation(r.id);
      props.onEnded('cancelled');
    } catch (err) {
      setProblem({ title: 'Could not cancel', text: messageOf(err) });
    }
  };

  return (
    <section class="card" aria-labelledby="checkout-title">
      <h2 id="checkout-title">Pay for your seats</h2>
      <Countdown until={r.expiresAt} onExpired={() => phase !== 'processing' && props.onEnded('expired')} />
      <ul>
        {r.seats.map((s) => (
          <li key={s.seatId}>
            {s.section}, row {s.row}, seat {s.number} · {s.tier} · {formatMoney(s.price)}
          </li>
        ))}
      </ul>
      <p class="total">Total: {formatMoney(r.total)}</p>
      {problem && (
        <Notice tone="error" title={problem.title}>
          {problem.text}
        </Notice>
      )}
      {phase === 'processing' ? (
        <Notice tone="info" title="Payment processing">
          Your bank is taking a moment. Keep this page open: your tickets appear as soon as the payment settles.
        </Notice>
      ) : (
        <form onSubmit={pay}>
          <fieldset>
            <legend>Card</legend>
            {CARDS.map((c) => (
              <label class="radio" key={c.token}>
                <input type="radio" name="card" value={c.token} checked={card === c.token} onChange={() => setCard(c.token)} />
                {c.label}
              </label>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit" disabled={phase === 'paying'}>
              {phase === 'paying' ? 'Paying…' : `Pay ${formatMoney(r.total)}`}
            </button>
            <button type="button" class="secondary" onClick={() => void cancel()} disabled={phase === 'paying'}>
              Cancel hold
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
