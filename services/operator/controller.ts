import type { Logger } from '../shared/logger';
import type { EventSale } from './crd';
import { isKubeStatus, keyOf, refOf, type EventSaleApi, type ObjectRef } from './kube-api';
import type { ReconcileResult } from './reconcile';

/**
 * List, then watch from the list's resourceVersion; every object is queued
 * for reconcile. A keyed queue runs one reconcile per object at a time, and
 * a failing object waits twice as long after each failure (up to a
 * ceiling), without holding up the others. Every RESYNC the list runs
 * again, which also covers any event a broken watch lost.
 */

export interface ControllerOptions {
  kube: EventSaleApi;
  reconcile: (ref: ObjectRef) => Promise<ReconcileResult>;
  /** Told the failure after each failed reconcile (the status says why, best effort). */
  onError?: (ref: ObjectRef, err: unknown) => Promise<void>;
  logger: Logger;
  resyncMs: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Pause before listing again after a watch ends with an error. */
  rewatchDelayMs?: number;
}

export interface Controller {
  /** True once a list succeeded and a watch is open (readiness). */
  readonly watching: boolean;
  stop(): Promise<void>;
}

interface Entry {
  running: boolean;
  /** An event arrived while it ran: run again right after. */
  dirty: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
  lastGeneration?: number;
}

export function startController(o: ControllerOptions): Controller {
  const base = o.backoffBaseMs ?? 1_000;
  const max = o.backoffMaxMs ?? 5 * 60_000;
  const entries = new Map<string, Entry & { ref: ObjectRef }>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let watching = false;
  let watchHandle: { stop(): void } | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let rewatchTimer: NodeJS.Timeout | undefined;

  const entry = (ref: ObjectRef) => {
    const key = keyOf(ref);
    let e = entries.get(key);
    if (!e) entries.set(key, (e = { ref, running: false, dirty: false, failures: 0 }));
    return e;
  };

  function schedule(ref: ObjectRef, delayMs: number) {
    const e = entry(ref);
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      enqueue(ref);
    }, delayMs);
  }

  function enqueue(ref: ObjectRef) {
    if (stopped) return;
    const e = entry(ref);
    if (e.running) {
      e.dirty = true;
      return;
    }
    if (e.timer) {
      clearTimeout(e.timer);
      e.timer = undefined;
    }
    e.running = true;
    const run = (async () => {
      try {
        const result = await o.reconcile(ref);
        e.failures = 0;
        // Capped by the resync period: Node's timers overflow past 24.8 days (an on-sale time months away).
        if (result.requeueAfterMs !== undefined && !stopped) schedule(ref, Math.min(Math.max(result.requeueAfterMs, 0) + 50, o.resyncMs));
      } catch (err) {
        e.failures += 1;
        const delay = Math.min(base * 2 ** (e.failures - 1), max);
        o.logger.warn({ err, object: keyOf(ref), failures: e.failures, retryInMs: delay }, 'reconcile failed');
        await o.onError?.(ref, err).catch(() => undefined);
        if (!stopped) schedule(ref, delay);
      } finally {
        e.running = false;
        if (e.dirty && !stopped) {
          e.dirty = false;
          // A change arrived meanwhile; a failing object still waits its backoff (the timer is set).
          if (!e.timer) enqueue(ref);
        }
      }
    })();
    running.add(run);
    void run.finally(() => running.delete(run));
  }

  /** Status-only changes (our own writes among them) need no reconcile: the generation says when the spec moved. */
  function onWatchEvent(type: string, obj: EventSale) {
    if (type === 'BOOKMARK') return;
    const ref = refOf(obj);
    const e = entry(ref);
    if (type === 'DELETED') {
      if (e.timer) clearTimeout(e.timer);
      entries.delete(keyOf(ref));
      return;
    }
    const specChanged = e.lastGeneration !== obj.metadata.generation;
    e.lastGeneration = obj.metadata.generation;
    if (type === 'ADDED' || specChanged || obj.metadata.deletionTimestamp) {
      // A spec change deserves an attempt now, backoff or not.
      if (specChanged) e.failures = 0;
      enqueue(ref);
    }
  }

  let round = 0;
  let lastResourceVersion = '';

  /** Resumes where the last watch ended; only an expired resourceVersion (410) or a failure lists again. */
  async function watchFrom(resourceVersion: string, mine: number): Promise<void> {
    lastResourceVersion = resourceVersion;
    let ended = false;
    const handle = await o.kube.watch(
      resourceVersion,
      (type, obj) => {
        if (obj?.metadata?.resourceVersion) lastResourceVersion = obj.metadata.resourceVersion;
        onWatchEvent(type, obj);
      },
      (err) => {
        if (ended || stopped || mine !== round) return;
        ended = true;
        watching = false;
        if (!err) {
          watchFrom(lastResourceVersion, mine).catch(() => void listAndWatch());
          return;
        }
        // 410: the resourceVersion was compacted away; events since then are only in a new list.
        if (isKubeStatus(err, 410)) o.logger.info({ resourceVersion: lastResourceVersion }, 'watch expired (410 Gone): listing again');
        else o.logger.warn({ err }, 'watch ended');
        rewatchTimer = setTimeout(() => void listAndWatch(), isKubeStatus(err, 410) ? 0 : (o.rewatchDelayMs ?? 1_000));
      },
    );
    if (stopped || mine !== round) return handle.stop();
    watchHandle = handle;
    watching = true;
  }

  async function listAndWatch(): Promise<void> {
    if (stopped) return;
    // A resync replaces the watch: the old one's end must not start yet another.
    const mine = ++round;
    clearTimeout(rewatchTimer);
    watchHandle?.stop();
    watchHandle = undefined;
    watching = false;
    try {
      const { items, resourceVersion } = await o.kube.list();
      for (const item of items) {
        entry(refOf(item)).lastGeneration = item.metadata.generation;
        if (!entry(refOf(item)).timer) enqueue(refOf(item));
      }
      if (stopped || mine !== round) return;
      await watchFrom(resourceVersion, mine);
    } catch (err) {
      o.logger.warn({ err }, 'listing EventSales failed');
      if (!stopped && mine === round) rewatchTimer = setTimeout(() => void listAndWatch(), o.rewatchDelayMs ?? 1_000);
    }
  }

  void listAndWatch();
  resyncTimer = setInterval(() => void listAndWatch(), o.resyncMs);

  return {
    get watching() {
      return watching;
    },
    async stop() {
      stopped = true;
      watching = false;
      clearInterval(resyncTimer);
      clearTimeout(rewatchTimer);
      watchHandle?.stop();
      for (const e of entries.values()) if (e.timer) clearTimeout(e.timer);
      await Promise.allSettled([...running]);
    },
  };
}
