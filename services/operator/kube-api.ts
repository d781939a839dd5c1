import type { EventSale, EventSaleStatus } from './crd';

/**
 * What the operator needs from the Kubernetes API, and nothing else: the
 * reconcile core and the controller depend on this interface, so tests give
 * them a fake and only the entry point loads @kubernetes/client-node (which
 * is ESM-only: see kube-client.ts).
 */

export interface ObjectRef {
  namespace: string;
  name: string;
}

export const refOf = (o: { metadata: { namespace: string; name: string } }): ObjectRef => ({
  namespace: o.metadata.namespace,
  name: o.metadata.name,
});
export const keyOf = (r: ObjectRef) => `${r.namespace}/${r.name}`;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface EventSaleApi {
  get(ref: ObjectRef): Promise<EventSale | undefined>;
  /** Every EventSale (of the watched namespace, or all), with the list's resourceVersion to watch from. */
  list(): Promise<{ items: EventSale[]; resourceVersion: string }>;
  /**
   * Merge patch of the /status subresource. With a resourceVersion the API
   * server refuses (409) a patch computed from an older object.
   */
  patchStatus(ref: ObjectRef, status: EventSaleStatus, resourceVersion?: string): Promise<EventSale>;
  /** Merge patch of metadata.finalizers; a list is replaced whole, so the resourceVersion guards others' entries. */
  patchFinalizers(ref: ObjectRef, finalizers: string[], resourceVersion: string): Promise<EventSale>;
  /**
   * Streams changes after resourceVersion until the stream ends; `done`
   * gets the error, if any (a KubeApiError 410 means: list again).
   */
  watch(
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: EventSale) => void,
    done: (err?: unknown) => void,
  ): Promise<{ stop(): void }>;
}

/** A Kubernetes API refusal, with its HTTP status (409 conflict, 404 gone, 410 expired watch...). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export const isKubeStatus = (err: unknown, status: number): boolean => err instanceof KubeApiError && err.status === status;

/** coordination.k8s.io/v1 Lease, as far as leader election reads and writes it. */
export interface LeaseRecord {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
  resourceVersion?: string;
}

export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  /** 409 (KubeApiError) when it already exists. */
  create(record: LeaseRecord): Promise<LeaseRecord>;
  /** Replace guarded by record.resourceVersion: 409 when someone wrote in between. */
  replace(record: LeaseRecord): Promise<LeaseRecord>;
}
