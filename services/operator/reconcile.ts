import { HttpError } from '../shared/errors';
import type { CatalogApi, CatalogEvent } from './catalog-api';
import {
  canonical, eventChanges, eventFields, locate, matchSession, sameLayout, sameVenue, sessionDiffers,
} from './catalog-state';
import {
  EVENTSALE_FINALIZER, type EventSale, type EventSaleCondition, type EventSalePhase, type EventSaleStatus,
} from './crd';
import { isKubeStatus, refOf, type EventSaleApi, type ObjectRef } from './kube-api';

/**
 * One reconcile of one EventSale: bring the catalog in line with its spec,
 * then write what is there into its status. Every step reads first and
 * writes only what differs, so a repeat makes no catalog write and, when
 * nothing changed, no status write either.
 */

export interface ReconcileDeps {
  kube: Pick<EventSaleApi, 'get' | 'patchStatus' | 'patchFinalizers'>;
  catalog: CatalogApi;
  now?: () => Date;
}

export interface ReconcileResult {
  /** Come back then even if nothing changes (the on-sale time). */
  requeueAfterMs?: number;
}

/** A 409 from the API server means our copy was stale: read it again and redo the (idempotent) pass. */
export const MAX_CONFLICT_RETRIES = 5;

export async function reconcileEventSale(deps: ReconcileDeps, ref: ObjectRef): Promise<ReconcileResult> {
  for (let attempt = 1; ; attempt++) {
    const obj = await deps.kube.get(ref);
    if (!obj) return {};
    try {
      return await reconcileObject(deps, obj);
    } catch (err) {
      if (isKubeStatus(err, 409) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw err;
    }
  }
}

async function reconcileObject(deps: ReconcileDeps, obj: EventSale): Promise<ReconcileResult> {
  const ref = refOf(obj);
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp) {
    if (!finalizers.includes(EVENTSALE_FINALIZER)) return {};
    const { event } = await locate(deps.catalog, obj.spec, obj.status?.catalog);
    // Even when already cancelled (harmless): the catalog's cancel commits with its refund run's request, which it delivers until booking accepts.
    if (event) await deps.catalog.cancelEvent(event.id);
    await deps.kube.patchFinalizers(ref, finalizers.filter((f) => f !== EVENTSALE_FINALIZER), obj.metadata.resourceVersion!);
    return {};
  }
  // Before the first catalog write: whatever gets created is cancelled on delete.
  if (!finalizers.includes(EVENTSALE_FINALIZER)) {
    obj = await deps.kube.patchFinalizers(ref, [...finalizers, EVENTSALE_FINALIZER], obj.metadata.resourceVersion!);
  }
  const now = deps.now?.() ?? new Date();
  const outcome = await syncCatalog(deps.catalog, obj, now);
  const status = statusFor(obj, outcome, now);
  if (canonical(withoutTimes(status)) !== canonical(withoutTimes(obj.status ?? {}))) {
    await deps.kube.patchStatus(ref, status, obj.metadata.resourceVersion);
  }
  return outcome.requeueAfterMs === undefined ? {} : { requeueAfterMs: outcome.requeueAfterMs };
}

type ConditionType = 'CatalogSynced' | 'HallLayoutSynced' | 'Published';

interface Problem {
  type: ConditionType;
  reason: string;
  message: string;
}

interface SyncOutcome {
  ids: { venueId: string; hallId: string; eventId?: string };
  event?: CatalogEvent;
  problems: Problem[];
  waitingUntil?: Date;
  requeueAfterMs?: number;
}

/** The catalog's refusals of a write: the spec is at fault and only a spec change helps, not a retry. */
function refusal(err: unknown): HttpError | undefined {
  return err instanceof HttpError && [400, 404, 409, 422].includes(err.status) ? err : undefined;
}

async function syncCatalog(catalog: CatalogApi, obj: EventSale, now: Date): Promise<SyncOutcome> {
  const spec = obj.spec;
  const problems: Problem[] = [];
  const found = await locate(catalog, spec, obj.status?.catalog);
  let wrote = false;

  const venue = found.venue ?? (await catalog.createVenue(spec.venue));
  if (found.venue && !sameVenue(found.venue, spec.venue)) {
    problems.push({ type: 'CatalogSynced', reason: 'VenueImmutable', message: 'the catalog cannot change a venue; create a new EventSale to move' });
  }

  let hall = found.hall;
  if (!hall) {
    hall = await catalog.createHall(venue.id, spec.hall);
  } else if (!sameLayout(hall, spec.hall)) {
    try {
      hall = await catalog.replaceHall(venue.id, hall.id, spec.hall);
    } catch (err) {
      const e = refusal(err);
      if (!e) throw err;
      problems.push({ type: 'HallLayoutSynced', reason: e.code === 'LAYOUT_LOCKED' ? 'LayoutLocked' : 'LayoutRejected', message: e.message });
    }
  }

  let event = found.event;
  if (!event) {
    event = { ...(await catalog.createEvent(eventFields(spec))), sessions: [] };
    wrote = true;
  }
  const ids = { venueId: venue.id, hallId: hall.id, eventId: event.id };
  // Cancelled is final in the catalog: report it, change nothing.
  if (event.status === 'cancelled') return { ids, event, problems };

  const changes = eventChanges(event, spec);
  if (Object.keys(changes).length) {
    try {
      await catalog.updateEvent(event.id, changes);
      wrote = true;
    } catch (err) {
      const e = refusal(err);
      if (!e) throw err;
      problems.push({ type: 'CatalogSynced', reason: 'EventRejected', message: e.message });
    }
  }

  for (const s of spec.sessions) {
    const existing = matchSession(event.sessions, hall.id, s);
    if (existing) {
      if (sessionDiffers(existing, s)) {
        problems.push({ type: 'CatalogSynced', reason: 'SessionImmutable', message: `session at ${s.startsAt}: the catalog cannot change a session's end or tiers` });
      }
      continue;
    }
    try {
      await catalog.createSession(event.id, { hallId: hall.id, startsAt: s.startsAt, endsAt: s.endsAt, tiers: s.tiers });
      wrote = true;
    } catch (err) {
      const e = refusal(err);
      if (!e) throw err;
      problems.push({ type: 'CatalogSynced', reason: 'SessionRejected', message: `session at ${s.startsAt}: ${e.message}` });
    }
  }
  const extra = event.sessions.filter((c) => !spec.sessions.some((s) => matchSession([c], hall.id, s)));
  if (extra.length) {
    problems.push({
      type: 'CatalogSynced',
      reason: 'SessionNotRemovable',
      message: `the catalog keeps sessions once created: ${extra.map((c) => c.startsAt).join(', ')}`,
    });
  }

  let waitingUntil: Date | undefined;
  let requeueAfterMs: number | undefined;
  const onSale = spec.onSaleAt ? new Date(spec.onSaleAt) : undefined;
  if (onSale && onSale.getTime() > now.getTime()) {
    waitingUntil = onSale;
    requeueAfterMs = onSale.getTime() - now.getTime();
  } else if (event.status === 'draft') {
    try {
      await catalog.publishEvent(event.id);
      wrote = true;
    } catch (err) {
      const e = refusal(err);
      if (!e) throw err;
      problems.push({ type: 'Published', reason: 'PublishRefused', message: e.message });
    }
  }
  // Counts and states as the catalog has them now, after our writes.
  if (wrote) event = (await catalog.getEvent(event.id)) ?? event;
  return { ids, event, problems, waitingUntil, requeueAfterMs };
}

function condition(prev: EventSaleCondition[] | undefined, c: Omit<EventSaleCondition, 'lastTransitionTime'>, now: Date): EventSaleCondition {
  const before = prev?.find((p) => p.type === c.type);
  // The transition time moves only when the status does (as Kubernetes' own conditions do).
  const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now.toISOString();
  return { ...c, lastTransitionTime };
}

function statusFor(obj: EventSale, o: SyncOutcome, now: Date): EventSaleStatus {
  const generation = obj.metadata.generation;
  const prev = obj.status?.conditions;
  const of = (type: ConditionType, ok: { reason: string; message: string }) => {
    const failing = o.problems.filter((p) => p.type === type);
    return condition(
      prev,
      failing.length
        ? { type, status: 'False', reason: failing[0]!.reason, message: failing.map((p) => p.message).join('; '), observedGeneration: generation }
        : { type, status: 'True', ...ok, observedGeneration: generation },
      now,
    );
  };
  const eventStatus = o.event?.status;
  const synced = of('CatalogSynced', { reason: 'Synced', message: 'venue, event and sessions match the spec' });
  const layout = of('HallLayoutSynced', { reason: 'Synced', message: 'the hall has the layout of the spec' });
  let published: EventSaleCondition;
  if (eventStatus === 'cancelled') {
    published = condition(prev, { type: 'Published', status: 'False', reason: 'EventCancelled', message: 'the event was cancelled in the catalog', observedGeneration: generation }, now);
  } else if (o.waitingUntil && eventStatus !== 'published') {
    published = condition(prev, { type: 'Published', status: 'False', reason: 'WaitingForOnSale', message: `goes on sale at ${o.waitingUntil.toISOString()}`, observedGeneration: generation }, now);
  } else {
    published = of('Published', { reason: 'OnSale', message: 'the event is published' });
  }
  const allTrue = [synced, layout, published].every((c) => c.status === 'True');
  const waiting = published.reason === 'WaitingForOnSale' && synced.status === 'True' && layout.status === 'True';
  const ready = condition(
    prev,
    {
      type: 'Ready',
      status: allTrue || waiting ? 'True' : 'False',
      reason: allTrue ? 'OnSale' : waiting ? 'Scheduled' : ([synced, layout, published].find((c) => c.status !== 'True')!.reason),
      message: allTrue ? 'in the catalog and on sale' : waiting ? published.message : 'see the other conditions',
      observedGeneration: generation,
    },
    now,
  );
  const phase: EventSalePhase =
    eventStatus === 'cancelled' ? 'Cancelled' : eventStatus === 'published' ? 'OnSale' : waiting || o.waitingUntil ? 'Scheduled' : 'Failed';
  const sessions = (o.event?.sessions ?? []).map((s) => ({
    startsAt: s.startsAt,
    sessionId: s.id,
    seatsAvailable: s.availability?.available ?? 0,
    seatsReserved: s.availability?.reserved ?? 0,
    seatsSold: s.availability?.sold ?? 0,
  }));
  return {
    phase,
    observedGeneration: generation,
    conditions: [ready, synced, layout, published],
    catalog: { ...o.ids, sessionIds: sessions.map((s) => s.sessionId) },
    sessions,
  };
}

/** Status without transition times: a status that differs only in those needs no write. */
function withoutTimes(s: EventSaleStatus): EventSaleStatus {
  return { ...s, conditions: s.conditions?.map(({ lastTransitionTime: _t, ...c }) => c as EventSaleCondition) };
}

/**
 * After a failed reconcile (catalog down, refused credentials...): says so
 * in the Ready condition, keeping the rest of the status. Best effort, and
 * only when the message changes, so a retry loop does not churn the object.
 */
export async function recordReconcileFailure(deps: Pick<ReconcileDeps, 'kube' | 'now'>, ref: ObjectRef, err: unknown): Promise<void> {
  const obj = await deps.kube.get(ref);
  if (!obj) return;
  // Deleting: the cancel failed and the finalizer holds the object; no phase yet: nothing is in the catalog yet.
  const phase: EventSalePhase = obj.metadata.deletionTimestamp ? 'Deleting' : (obj.status?.phase ?? 'Pending');
  const message = err instanceof Error ? err.message : String(err);
  const prev = obj.status?.conditions ?? [];
  const before = prev.find((c) => c.type === 'Ready');
  // The same failure of the same generation: already said. A new generation failing alike is news (observedGeneration).
  if (
    before?.status === 'False' && before.reason === 'ReconcileFailed' && before.message === message &&
    before.observedGeneration === obj.metadata.generation && obj.status?.phase === phase
  ) {
    return;
  }
  const ready = condition(
    prev,
    { type: 'Ready', status: 'False', reason: 'ReconcileFailed', message, observedGeneration: obj.metadata.generation },
    deps.now?.() ?? new Date(),
  );
  await deps.kube.patchStatus(ref, { phase, conditions: [ready, ...prev.filter((c) => c.type !== 'Ready')] }, obj.metadata.resourceVersion);
}
