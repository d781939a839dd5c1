import { randomUUID } from 'node:crypto';
import { EVENTSALE_API_VERSION, EVENTSALE_KIND, type EventSale, type EventSaleSpec } from '../../services/operator/crd';
import { keyOf, KubeApiError, type EventSaleApi, type LeaseRecord, type LeaseStore, type ObjectRef, type WatchEventType } from '../../services/operator/kube-api';

/**
 * An in-memory Kubernetes API with the semantics the operator relies on:
 * resourceVersion on every write and 409 on a stale one, generation bumped
 * by spec changes only, deletion held back by finalizers, merge-patched
 * status, watch events, for the operator's unit tests (services/operator runs
 * against a real API server); `fail` injects refusals.
 */

const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

type Op = 'get' | 'list' | 'patchStatus' | 'patchFinalizers';

export class MemoryKube implements EventSaleApi {
  private objects = new Map<string, EventSale>();
  private version = 0;
  private watchers = new Map<(type: WatchEventType, o: EventSale) => void, (err?: unknown) => void>();
  private failures: { op: Op; status: number }[] = [];
  /** Every call, in order: what a test asserts on. */
  readonly calls: { op: Op; key?: string }[] = [];

  private nextVersion = () => String(++this.version);

  /** Every event, so a watch from a resourceVersion replays what came after it (as the API server does). */
  private history: { version: number; type: WatchEventType; object: EventSale }[] = [];

  private emit(type: WatchEventType, o: EventSale) {
    this.history.push({ version: this.version, type, object: clone(o) });
    for (const w of [...this.watchers.keys()]) w(type, clone(o));
  }

  private take(op: Op): void {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      throw new KubeApiError(f!.status, `injected ${f!.status} on ${op}`);
    }
  }

  private current(ref: ObjectRef): EventSale {
    const o = this.objects.get(keyOf(ref));
    if (!o) throw new KubeApiError(404, `${keyOf(ref)} not found`);
    return o;
  }

  private checkVersion(o: EventSale, resourceVersion: string | undefined) {
    if (resourceVersion !== undefined && resourceVersion !== o.metadata.resourceVersion) {
      throw new KubeApiError(409, `the object has been modified (${resourceVersion} ≠ ${o.metadata.resourceVersion})`);
    }
  }

  /** The next `op` fails with `status` (once per call to fail). */
  fail(op: Op, status: number): void {
    this.failures.push({ op, status });
  }

  // --- what a user (kubectl) does ---

  create(namespace: string, name: string, spec: EventSaleSpec): EventSale {
    if (this.objects.has(`${namespace}/${name}`)) throw new KubeApiError(409, 'already exists');
    const o: EventSale = {
      apiVersion: EVENTSALE_API_VERSION,
      kind: EVENTSALE_KIND,
      metadata: { namespace, name, uid: randomUUID(), generation: 1, resourceVersion: this.nextVersion() },
      spec: clone(spec),
    };
    this.objects.set(keyOf({ namespace, name }), o);
    this.emit('ADDED', o);
    return clone(o);
  }

  updateSpec(ref: ObjectRef, change: (spec: EventSaleSpec) => void): EventSale {
    const o = this.current(ref);
    change(o.spec);
    o.metadata.generation = (o.metadata.generation ?? 0) + 1;
    o.metadata.resourceVersion = this.nextVersion();
    this.emit('MODIFIED', o);
    return clone(o);
  }

  /** Replaces the status wholesale, bypassing the operator (a restore that lost it, say). */
  replaceStatus(ref: ObjectRef, status: EventSale['status']): void {
    const o = this.current(ref);
    if (status === undefined) delete o.status;
    else o.status = clone(status);
    o.metadata.resourceVersion = this.nextVersion();
    this.emit('MODIFIED', o);
  }

  delete(ref: ObjectRef): void {
    const o = this.current(ref);
    if (o.metadata.finalizers?.length) {
      o.metadata.deletionTimestamp ??= new Date().toISOString();
      o.metadata.resourceVersion = this.nextVersion();
      this.emit('MODIFIED', o);
    } else {
      this.objects.delete(keyOf(ref));
      o.metadata.resourceVersion = this.nextVersion();
      this.emit('DELETED', o);
    }
  }

  peek(ref: ObjectRef): EventSale | undefined {
    const o = this.objects.get(keyOf(ref));
    return o && clone(o);
  }

  // --- EventSaleApi ---

  async get(ref: ObjectRef) {
    this.calls.push({ op: 'get', key: keyOf(ref) });
    this.take('get');
    return this.peek(ref);
  }

  async list() {
    this.calls.push({ op: 'list' });
    this.take('list');
    return { items: [...this.objects.values()].map(clone), resourceVersion: String(this.version) };
  }

  async patchStatus(ref: ObjectRef, status: EventSale['status'], resourceVersion?: string) {
    this.calls.push({ op: 'patchStatus', key: keyOf(ref) });
    this.take('patchStatus');
    const o = this.current(ref);
    this.checkVersion(o, resourceVersion);
    o.status = mergePatch(o.status, status) as EventSale['status'];
    o.metadata.resourceVersion = this.nextVersion();
    this.emit('MODIFIED', o);
    return clone(o);
  }

  async patchFinalizers(ref: ObjectRef, finalizers: string[], resourceVersion: string) {
    this.calls.push({ op: 'patchFinalizers', key: keyOf(ref) });
    this.take('patchFinalizers');
    const o = this.current(ref);
    this.checkVersion(o, resourceVersion);
    o.metadata.finalizers = [...finalizers];
    o.metadata.resourceVersion = this.nextVersion();
    if (o.metadata.deletionTimestamp && finalizers.length === 0) {
      this.objects.delete(keyOf(ref));
      this.emit('DELETED', o);
    } else {
      this.emit('MODIFIED', o);
    }
    return clone(o);
  }

  async watch(resourceVersion: string, onEvent: (type: WatchEventType, o: EventSale) => void, done: (err?: unknown) => void) {
    for (const h of this.history) if (h.version > Number(resourceVersion)) onEvent(h.type, clone(h.object));
    this.watchers.set(onEvent, done);
    return { stop: () => void this.watchers.delete(onEvent) };
  }

  /** Ends every open watch as a server does (with an error, e.g. 410 Gone, if given). */
  endWatches(err?: unknown): void {
    const ended = [...this.watchers.values()];
    this.watchers.clear();
    for (const done of ended) done(err);
  }
}

/** One Lease, with the API server's resourceVersion check; `unreachable` makes every call fail. */
export class MemoryLeaseStore implements LeaseStore {
  private lease: LeaseRecord | undefined;
  private version = 0;
  unreachable = false;

  private reach() {
    if (this.unreachable) throw new Error('connect ECONNREFUSED (lease store unreachable)');
  }

  async get() {
    this.reach();
    return this.lease && { ...this.lease };
  }

  async create(r: LeaseRecord) {
    this.reach();
    if (this.lease) throw new KubeApiError(409, 'lease already exists');
    this.lease = { ...r, resourceVersion: String(++this.version) };
    return { ...this.lease };
  }

  async replace(r: LeaseRecord) {
    this.reach();
    if (!this.lease) throw new KubeApiError(404, 'lease not found');
    if (r.resourceVersion !== this.lease.resourceVersion) throw new KubeApiError(409, 'lease modified');
    this.lease = { ...r, resourceVersion: String(++this.version) };
    return { ...this.lease };
  }
}
