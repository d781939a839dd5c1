import { hostname } from 'node:os';
import type { Config } from '../shared/config';
import { createServiceApp, finishApp, type RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createCatalogHttpApi, type CatalogApi } from './catalog-api';
import { startController, type Controller } from './controller';
import { connectKube, type KubeClients } from './kube-client';
import { startLeaderElection } from './leader-election';
import { reconcileEventSale, recordReconcileFailure } from './reconcile';

export interface OperatorDeps {
  /** The Kubernetes API; by default from the pod's service account (or the local kubeconfig). */
  kube: KubeClients;
  catalog: CatalogApi;
}

/**
 * The operator: campaigns for the Lease and, while it leads, lists and
 * watches EventSales and reconciles them into the catalog. /readyz is ready
 * as a standby, and as the leader once its watch is open.
 */
export function startOperatorService(cfg: Config<'operator'>, deps: Partial<OperatorDeps> = {}): Promise<RunningServer> {
  return startService('operator', cfg, async (kit) => {
    const kube = deps.kube ?? (await connectKube({ namespace: cfg.OPERATOR_NAMESPACE, watchTimeoutSeconds: cfg.KUBE_WATCH_TIMEOUT_SECONDS }));
    const catalog =
      deps.catalog ??
      createCatalogHttpApi({ catalogUrl: cfg.CATALOG_URL, authUrl: cfg.AUTH_URL, email: cfg.OPERATOR_EMAIL, password: cfg.OPERATOR_PASSWORD });
    const reconcileDeps = { kube: kube.eventSales, catalog };
    let controller: Controller | undefined;
    const elector = startLeaderElection({
      store: kube.lease(cfg.LEADER_ELECTION_NAMESPACE || cfg.OPERATOR_NAMESPACE || 'default', cfg.LEADER_ELECTION_LEASE_NAME),
      identity: cfg.LEADER_ELECTION_IDENTITY ?? cfg.HOSTNAME ?? hostname(),
      leaseDurationMs: cfg.LEADER_ELECTION_LEASE_SECONDS * 1000,
      renewDeadlineMs: cfg.LEADER_ELECTION_RENEW_DEADLINE_SECONDS * 1000,
      retryPeriodMs: cfg.LEADER_ELECTION_RETRY_SECONDS * 1000,
      logger: kit.logger,
      onStartedLeading: () => {
        controller = startController({
          kube: kube.eventSales,
          reconcile: (ref) => reconcileEventSale(reconcileDeps, ref),
          onError: (ref, err) => recordReconcileFailure(reconcileDeps, ref, err),
          logger: kit.logger,
          resyncMs: cfg.RESYNC_SECONDS * 1000,
        });
      },
      onStoppedLeading: async () => {
        const c = controller;
        controller = undefined;
        await c?.stop();
      },
    });
    kit.onClose(() => elector.stop());
    const { app } = createServiceApp({
      name: 'operator',
      logger: kit.logger,
      ready: async () => {
        if (elector.isLeader && !controller?.watching) throw new Error('leading, but the EventSale watch is not open yet');
      },
    });
    return finishApp(app, kit.logger);
  });
}
