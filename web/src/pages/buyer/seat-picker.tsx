import { useEffect, useRef, useState } from 'preact/hooks';
import { holdSeats, type HoldRequest } from '../../api/booking';
import { ApiError, messageOf } from '../../api/errors';
import { openSeatMap, type SeatMapModel } from '../../api/seat-map';
import type { Reservation } from '../../api/types';
import { Notice, type Tone } from '../../components/notice';
import { SeatMapView } from '../../components/seat-map/seat-map-view';
import { useUser } from '../../components/use-auth';
import { navigate } from '../../router';
import { Basket } from './basket';
import { Checkout } from './checkout';
import { StandingAreas } from './standing-areas';

const MAX_SEATS = 10;
const picksKey = (sessionId: string) => `ticketing.picks.${sessionId}`;

interface Message {
  tone: Tone;
  title: string;
  text?: string;
}

const seatName = (m: SeatMapModel, i: number) => {
  const s = m.seats[i]!;
  return `${s.section} row ${s.row} seat ${s.number}`;
};

/** The live seat map, the buyer's picks, the hold, then checkout. */
export function SeatPicker(props: { sessionId: string; admissionToken?: string; onAdmissionRequired(): void }) {
  const { sessionId } = props;
  const user = useUser();
  const [model, setModel] = useState<SeatMapModel>();
  const [loadError, setLoadError] = useState<unknown>();
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [reservation, setReservation] = useState<Reservation>();
  const [holding, setHolding] = useState(false);
  const [message, setMessage] = useState<Message>();
  const [, setTick] = useState(0);
  // Bumped when the session's layout changes under an open map (only before any sale): the map is opened again.
  const [generation, setGeneration] = useState(0);
  // One Idempotency-Key per distinct request: a retry of the same picks reuses it.
  const keys = useRef(new Map<string, string>());
  const busy = useRef(false);
  busy.current = holding || !!reservation;

  useEffect(() => {
    let current = true;
    let opened: SeatMapModel | undefined;
    openSeatMap(sessionId).then(
      (m) => {
        if (!current) return m.close();
        opened = m;
        setModel(m);
        // Picks made before signing in come back after it.
        const saved = sessionStorage.getItem(picksKey(sessionId));
        sessionStorage.removeItem(picksKey(sessionId));
        if (saved) {
          const ids = JSON.parse(saved) as string[];
          setPicked(new Set(ids.map((id) => m.indexOf(id)).filter((i): i is number => i !== undefined && m.status(i) === 'available')));
        }
      },
      (err: unknown) => current && setLoadError(err),
    );
    return () => {
      current = false;
      opened?.close();
    };
  }, [sessionId, generation]);

  // A picked seat someone else just took leaves the picks, and the buyer is told.
  const pickedNow = useRef(picked);
  pickedNow.current = picked;
  useEffect(() => {
    if (!model) return;
    return model.subscribe((changed) => {
      if (changed === 'layout') {
        setModel(undefined);
        setPicked(new Set());
        setMessage({ tone: 'info', title: 'The hall was rearranged', text: 'The organizer changed the seating plan, so the map was reloaded. Pick your seats again.' });
        setGeneration((g) => g + 1);
        return;
      }
      setTick((t) => t + 1);
      if (busy.current) return;
      const lost = [...pickedNow.current].filter((i) => model.status(i) !== 'available');
      if (!lost.length) return;
      setPicked(new Set([...pickedNow.current].filter((i) => !lost.includes(i))));
      setMessage({
        tone: 'warning',
        title: lost.length === 1 ? 'A seat you picked was just taken' : 'Seats you picked were just taken',
        text: `${lost.map((i) => seatName(model, i)).join(', ')}: someone else got there first. Pick another.`,
      });
    });
  }, [model]);

  if (loadError) return <Notice tone="error" title="The seat map could not be loaded">{messageOf(loadError)}</Notice>;
  if (!model) return <p role="status" class="muted">Loading the seat map…</p>;

  const counts = model.counts();
  const areas = model.areas();
  const soldOut = counts.available === 0 && areas.every((a) => a.available === 0);

  const toggle = (i: number) => {
    if (busy.current) return;
    const next = new Set(picked);
    if (next.has(i)) next.delete(i);
    else if (next.size >= MAX_SEATS) return setMessage({ tone: 'info', title: `At most ${MAX_SEATS} seats per booking` });
    else next.add(i);
    setMessage(undefined);
    setPicked(next);
  };

  const hold = async (body: HoldRequest) => {
    if (!user) {
      if ('seatIds' in body) sessionStorage.setItem(picksKey(sessionId), JSON.stringify(body.seatIds));
      navigate(`/sign-in?next=${encodeURIComponent(`/sessions/${sessionId}`)}`);
      return;
    }
    const signature = JSON.stringify(body);
    let key = keys.current.get(signature);
    if (!key) keys.current.set(signature, (key = crypto.randomUUID()));
    setHolding(true);
    busy.current = true;
    setMessage(undefined);
    try {
      setReservation(await holdSeats(body, key, props.admissionToken));
    } catch (err) {
      onHoldRefused(err);
    } finally {
      setHolding(false);
    }
  };

  const onHoldRefused = (err: unknown) => {
    if (!(err instanceof ApiError)) return setMessage({ tone: 'error', title: 'Could not hold the seats', text: messageOf(err) });
    if (err.code === 'SEAT_UNAVAILABLE') {
      const taken = (err.body.unavailableSeats as string[] | undefined) ?? [];
      model.markTaken(taken);
      const lost = taken.map((id) => model.indexOf(id)).filter((i): i is number => i !== undefined);
      setPicked((current) => new Set([...current].filter((i) => !lost.includes(i))));
      setMessage({
        tone: 'warning',
        title: lost.length === 1 ? 'That seat was just taken' : 'Some seats were just taken',
        text: `${lost.map((i) => seatName(model, i)).join(', ') || 'A seat'} went to someone else a moment ago; it is now marked on the map. Your other picks are still selected.`,
      });
    } else if (err.code === 'SOLD_OUT') {
      setMessage({ tone: 'warning', title: 'Sold out', text: err.detail });
    } else if (err.code === 'ADMISSION_REQUIRED' || err.code === 'ADMISSION_INVALID') {
      props.onAdmissionRequired();
    } else if (err.code === 'SESSION_NOT_ON_SALE') {
      setMessage({ tone: 'error', title: 'This session is not on sale', text: err.detail });
    } else {
      setMessage({ tone: 'error', title: 'Could not hold the seats', text: err.detail });
    }
  };

  const endHold = (why: 'expired' | 'cancelled') => {
    setReservation(undefined);
    setPicked(new Set());
    setMessage(
      why === 'expired'
        ? { tone: 'warning', title: 'Your hold expired', text: 'The seats were released for others. Pick seats again to try once more.' }
        : { tone: 'info', title: 'Hold cancelled', text: 'The seats were released.' },
    );
  };

  return (
    <>
      {soldOut && !reservation && <Notice tone="warning" title="Sold out">Every seat of this session is taken. Held seats may come back when holds lapse: the map updates by itself.</Notice>}
      {message && (
        <Notice tone={message.tone} title={message.title}>
          {message.text}
        </Notice>
      )}
      <div class="picker">
        <div>
          <p class="muted" aria-live="polite">
            {counts.available} of {model.seats.length} seats available
          </p>
          {model.seats.length > 0 && <SeatMapView model={model} picked={picked} onToggle={toggle} />}
          {areas.length > 0 && !reservation && <StandingAreas areas={areas} disabled={holding} onHold={(area, quantity) => void hold({ sessionId, generalAdmission: { area, quantity } })} />}
        </div>
        <aside aria-label="Your booking">
          {reservation ? (
            <Checkout reservation={reservation} onPaid={(id) => navigate(`/bookings/${id}`)} onEnded={endHold} />
          ) : (
            <Basket
              model={model}
              picked={picked}
              signedIn={!!user}
              holding={holding}
              onRemove={toggle}
              onHold={() => void hold({ sessionId, seatIds: [...picked].map((i) => model.seats[i]!.id) })}
            />
          )}
        </aside>
      </div>
    </>
  );
}
