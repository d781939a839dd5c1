import { useEffect, useRef, useState } from 'preact/hooks';
import { getEvent, listEvents } from '../../api/catalog';
import { messageOf } from '../../api/errors';
import { myEvents } from '../../api/organizer';
import type { EventSummary } from '../../api/types';
import { Loaded } from '../../components/loading';
import { Notice } from '../../components/notice';
import { QrScanner } from '../../components/qr-scanner';
import { useAsync } from '../../components/use-async';
import { useUser } from '../../components/use-auth';
import { usePageTitle } from '../../components/use-page-title';
import type { SyncConflict } from '../../lib/offline-door';
import { formatDateTime, formatTime } from '../../lib/time';
import { navigate, useLocation } from '../../router';
import { DoorResult } from './door-result';
import { openDoorStation, type DoorStation, type ScanAnswer } from './door-station';

const SYNC_EVERY_MS = 15_000;

/** The door: pick the event, then scan (camera or typed code); works offline with the event's kit. */
export function DoorPage() {
  usePageTitle('Door');
  const { query } = useLocation();
  const eventId = query.get('event');
  return eventId ? <Station eventId={eventId} /> : <PickEvent />;
}

function PickEvent() {
  const user = useUser()!;
  const events = useAsync(async () => {
    const published = (await listEvents({ pageSize: 100 })).items;
    const own = user.roles.includes('organizer') ? (await myEvents()).items.filter((e) => e.status === 'published') : [];
    const all = new Map<string, EventSummary>([...own, ...published].map((e) => [e.id, e]));
    return [...all.values()];
  }, [user.id]);
  return (
    <section>
      <h1 tabIndex={-1}>Door: choose the event</h1>
      <Loaded state={events}>
        {(list) =>
          list.length === 0 ? (
            <p>No published events.</p>
          ) : (
            <ul class="cards">
              {list.map((e) => (
                <li key={e.id} class="card">
                  <h2>{e.title}</h2>
                  {e.sessions[0] && <p>{formatDateTime(e.sessions[0].startsAt)}</p>}
                  <button type="button" onClick={() => navigate(`/door?event=${e.id}`)}>
                    Scan tickets <span class="visually-hidden">for {e.title}</span>
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function Station({ eventId }: { eventId: string }) {
  const [station, setStation] = useState<DoorStation>();
  const [kitState, setKitState] = useState<'loading' | 'ready' | 'missing'>('loading');
  const [offline, setOffline] = useState(!navigator.onLine);
  const [door, setDoor] = useState(() => localStorage.getItem('ticketing.door.name') ?? '');
  const [answer, setAnswer] = useState<ScanAnswer>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(0);
  const [syncNote, setSyncNote] = useState<{ at: string; conflicts: SyncConflict[] }>();
  const [title, setTitle] = useState('');
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let current = true;
    void (async () => {
      const s = await openDoorStation(eventId);
      if (!current) return;
      setStation(s);
      setPending(s.pending());
      // Fetch the kit at once: when the network drops later, the door keeps working.
      s.loadKit().then(
        () => current && setKitState('ready'),
        () => current && setKitState('missing'),
      );
    })();
    getEvent(eventId).then((e) => current && setTitle(e.title), () => undefined);
    return () => void (current = false);
  }, [eventId]);

  const sync = async () => {
    if (!station || offline) return;
    const r = await station.sync();
    setPending(r.remaining);
    if (r.synced) setSyncNote({ at: new Date().toISOString(), conflicts: r.conflicts });
  };

  // Back online (or every few seconds while admissions wait): sync.
  useEffect(() => {
    const up = () => setOffline(false);
    const down = () => setOffline(true);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const t = setInterval(() => void sync(), SYNC_EVERY_MS);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(t);
    };
  });
  useEffect(() => void sync(), [offline, station]);

  const check = async (code: string) => {
    if (!station || !code.trim()) return;
    setError(undefined);
    try {
      setAnswer(await station.scan(code, door || undefined, offline));
    } catch (err) {
      setAnswer(undefined);
      setError(messageOf(err));
    }
    setPending(station.pending());
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const input = codeInput.current!;
    void check(input.value).then(() => {
      input.value = '';
      input.focus();
    });
  };

  return (
    <section>
      <h1 tabIndex={-1}>Door{title && `: ${title}`}</h1>
      {answer && <DoorResult verdict={answer.verdict} seat={answer.seat} />}
      {error && <Notice tone="error" title="Could not check the ticket">{error}</Notice>}
      <form onSubmit={onSubmit} class="card">
        <label for="code">Ticket code</label>
        <input id="code" ref={codeInput} autocomplete="off" autocapitalize="off" spellcheck={false} placeholder="TKT3.…" />
        <div class="actions">
          <button type="submit">Check ticket</button>
        </div>
        <QrScanner onCode={(code) => void check(code)} />
      </form>
      <div class="card">
        <div class="form-grid">
          <div>
            <label for="door-name">Door name</label>
            <input id="door-name" value={door} onInput={(e) => (setDoor((e.target as HTMLInputElement).value), localStorage.setItem('ticketing.door.name', (e.target as HTMLInputElement).value))} />
          </div>
          <div>
            <label class="radio">
              <input type="checkbox" checked={offline} onChange={(e) => setOffline((e.target as HTMLInputElement).checked)} /> Work offline
            </label>
          </div>
        </div>
        <p class="sync" role="status" data-testid="sync-state">
          {offline ? 'Offline. ' : 'Online. '}
          {kitState === 'ready' ? `Offline kit ready (fetched ${formatTime(station!.kit()!.generatedAt)}). ` : kitState === 'loading' ? 'Fetching the offline kit… ' : 'No offline kit: scanning needs the network. '}
          {pending === 0 ? 'All admissions synced.' : `${pending} admission${pending === 1 ? '' : 's'} waiting to sync.`}
        </p>
        {syncNote && (
          <p class="muted">
            Last sync {formatTime(syncNote.at)}
            {syncNote.conflicts.length > 0 && `: ${syncNote.conflicts.length} conflict${syncNote.conflicts.length === 1 ? '' : 's'} (${syncNote.conflicts.map((c) => `${c.admission.ticketId.slice(0, 8)} ${c.outcome === 'already' ? 'was also admitted elsewhere' : 'was refused by the server'}`).join('; ')})`}
          </p>
        )}
        <div class="actions">
          <button type="button" class="secondary" disabled={offline || pending === 0} onClick={() => void sync()}>
            Sync now
          </button>
          <button type="button" class="secondary" disabled={offline} onClick={() => void station?.loadKit().then(() => setKitState('ready'), () => setKitState('missing'))}>
            Refresh offline kit
          </button>
          <button type="button" class="secondary" onClick={() => navigate('/door')}>
            Another event
          </button>
        </div>
      </div>
    </section>
  );
}
