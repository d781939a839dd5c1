import { pathToFileURL } from 'node:url';
import type * as K8s from '@kubernetes/client-node';
import { EVENTSALE_GROUP, EVENTSALE_PLURAL, EVENTSALE_VERSION, type EventSale } from './crd';
import { KubeApiError, type EventSaleApi, type LeaseRecord, type LeaseStore } from './kube-api';

/**
 * The real Kubernetes API behind the operator's two small interfaces.
 * @kubernetes/client-node 1.x/2.x is ESM-only and this project compiles to
 * CommonJS, where TypeScript would turn `import()` into `require()`: the
 * module is loaded through a Function-built import, the one place that needs it.
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;
// Resolved from this file (not from the working directory, as a bare specifier in a Function would be).
const loadClient = async () => (await importEsm(pathToFileURL(require.resolve('@kubernetes/client-node')).href)) as typeof K8s;

export interface KubeClients {
  eventSales: EventSaleApi;
  lease(namespace: string, name: string): LeaseStore;
}

/** ApiException (or a watch's non-200 answer) → KubeApiError with the HTTP status the callers branch on. */
function translate(err: unknown): unknown {
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown; message?: string };
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined) return err;
  const detail = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? e.message);
  return new KubeApiError(status, `Kubernetes API answered ${status}: ${detail}`);
}

async function kube<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw translate(err);
  }
}

const iso = (v: unknown): string | null | undefined => (v instanceof Date ? v.toISOString() : (v as string | null | undefined));

/** In-cluster configuration in a pod, ~/.kube/config (or KUBECONFIG) elsewhere: loadFromDefault picks. */
export async function connectKube(o: { namespace?: string; watchTimeoutSeconds: number }): Promise<KubeClients> {
  const k8s = await loadClient();
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const crd = { group: EVENTSALE_GROUP, version: EVENTSALE_VERSION, plural: EVENTSALE_PLURAL };
  const ns = o.namespace || undefined;

  const eventSales: EventSaleApi = {
    async get(ref) {
      try {
        return (await custom.getNamespacedCustomObject({ ...crd, ...ref })) as EventSale;
      } catch (err) {
        const e = translate(err);
        if (e instanceof KubeApiError && e.status === 404) return undefined;
        throw e;
      }
    },
    async list() {
      const res = (await kube(
        ns ? custom.listNamespacedCustomObject({ ...crd, namespace: ns }) : custom.listClusterCustomObject(crd),
      )) as { items: EventSale[]; metadata: { resourceVersion: string } };
      return { items: res.items, resourceVersion: res.metadata.resourceVersion };
    },
    async patchStatus(ref, status, resourceVersion) {
      const body = { metadata: resourceVersion ? { resourceVersion } : {}, status };
      return (await kube(custom.patchNamespacedCustomObjectStatus({ ...crd, ...ref, body }, mergePatch))) as EventSale;
    },
    async patchFinalizers(ref, finalizers, resourceVersion) {
      const body = { metadata: { finalizers, resourceVersion } };
      return (await kube(custom.patchNamespacedCustomObject({ ...crd, ...ref, body }, mergePatch))) as EventSale;
    },
    async watch(resourceVersion, onEvent, done) {
      const path = ns
        ? `/apis/${EVENTSALE_GROUP}/${EVENTSALE_VERSION}/namespaces/${ns}/${EVENTSALE_PLURAL}`
        : `/apis/${EVENTSALE_GROUP}/${EVENTSALE_VERSION}/${EVENTSALE_PLURAL}`;
      const watch = new k8s.Watch(kc);
      // An ERROR event is followed by the stream's end: report only the first.
      let ended = false;
      const end = (err?: unknown) => {
        if (ended) return;
        ended = true;
        controller?.abort();
        done(err);
      };
      let controller: AbortController | undefined;
      controller = await watch.watch(
        path,
        // The server ends the watch after timeoutSeconds (the controller resumes it); bookmarks keep resourceVersion fresh.
        { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: o.watchTimeoutSeconds },
        (type, obj) => {
          // An ERROR event carries a Status: 410 Gone when resourceVersion is too old.
          if (type === 'ERROR') return end(new KubeApiError(obj?.code ?? 500, obj?.message ?? 'watch error'));
          if (ended) return;
          onEvent(type as never, obj as EventSale);
        },
        (err) => end(err ? translate(err) : undefined),
      );
      return {
        stop: () => {
          ended = true;
          controller?.abort();
        },
      };
    },
  };

  const lease = (namespace: string, name: string): LeaseStore => {
    const toRecord = (l: K8s.V1Lease): LeaseRecord => ({
      holderIdentity: l.spec?.holderIdentity ?? null,
      leaseDurationSeconds: l.spec?.leaseDurationSeconds,
      acquireTime: iso(l.spec?.acquireTime) ?? null,
      renewTime: iso(l.spec?.renewTime) ?? null,
      leaseTransitions: l.spec?.leaseTransitions,
      resourceVersion: l.metadata?.resourceVersion,
    });
    // A MicroTime has six fractional digits. The client passes a value of a type it does not model
    // (V1MicroTime) through as it is, so the string goes out unchanged.
    const micro = (v: string | null | undefined) =>
      v ? (new Date(v).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date) : undefined;
    const toLease = (r: LeaseRecord): K8s.V1Lease => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace, resourceVersion: r.resourceVersion },
      spec: {
        holderIdentity: r.holderIdentity ?? undefined,
        leaseDurationSeconds: r.leaseDurationSeconds,
        acquireTime: micro(r.acquireTime),
        renewTime: micro(r.renewTime),
        leaseTransitions: r.leaseTransitions,
      },
    });
    return {
      async get() {
        try {
          return toRecord(await coordination.readNamespacedLease({ name, namespace }));
        } catch (err) {
          const e = translate(err);
          if (e instanceof KubeApiError && e.status === 404) return undefined;
          throw e;
        }
      },
      create: async (r) => toRecord(await kube(coordination.createNamespacedLease({ namespace, body: toLease({ ...r, resourceVersion: undefined }) }))),
      replace: async (r) => toRecord(await kube(coordination.replaceNamespacedLease({ name, namespace, body: toLease(r) }))),
    };
  };

  return { eventSales, lease };
}
