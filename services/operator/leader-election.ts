import type { Logger } from '../shared/logger';
import { isKubeStatus, type LeaseRecord, type LeaseStore } from './kube-api';

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it
 * (@kubernetes/client-node has none): every write carries the
 * resourceVersion it read, so of two candidates writing at once one gets a
 * 409 and stays a follower. A follower judges the lease expired by its own
 * clock, from when it last saw the record change, never by comparing the
 * holder's renewTime with its own clock (clocks of two nodes differ).
 * A leader that could not renew for renewDeadline steps down before its
 * lease can expire elsewhere (renewDeadline < leaseDuration), so two
 * replicas never both act.
 */

export interface LeaderElectionOptions {
  store: LeaseStore;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  logger?: Logger;
  now?: () => number;
}

export interface LeaderElector {
  readonly isLeader: boolean;
  /** Stops campaigning; with release (the default) a leader hands the lease back so a standby takes over at once. */
  stop(o?: { release?: boolean }): Promise<void>;
}

export function startLeaderElection(o: LeaderElectionOptions): LeaderElector {
  if (o.renewDeadlineMs >= o.leaseDurationMs) throw new Error('the renew deadline must be shorter than the lease duration');
  const now = o.now ?? Date.now;
  let leader = false;
  let stopped = false;
  let lastRenew = 0;
  /** The last write of the lease was ours: there may be something to hand back. */
  let held = false;
  let observed: { holder?: string | null; renewTime?: string | null; at: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> = Promise.resolve();

  const record = (r: LeaseRecord | undefined): LeaseRecord => ({
    holderIdentity: o.identity,
    leaseDurationSeconds: Math.max(1, Math.ceil(o.leaseDurationMs / 1000)),
    acquireTime: new Date(now()).toISOString(),
    renewTime: new Date(now()).toISOString(),
    leaseTransitions: r?.leaseTransitions ?? 0,
    resourceVersion: r?.resourceVersion,
  });

  async function tryAcquireOrRenew(): Promise<boolean> {
    const current = await o.store.get();
    if (!current) {
      await o.store.create(record(undefined));
      return true;
    }
    if (!observed || observed.holder !== current.holderIdentity || observed.renewTime !== current.renewTime) {
      observed = { holder: current.holderIdentity, renewTime: current.renewTime, at: now() };
    }
    const mine = current.holderIdentity === o.identity;
    const vacant = !current.holderIdentity;
    const expired = observed.at + o.leaseDurationMs <= now();
    if (!mine && !vacant && !expired) return false;
    const next = record(current);
    if (mine) next.acquireTime = current.acquireTime ?? next.acquireTime;
    else next.leaseTransitions = (current.leaseTransitions ?? 0) + 1;
    await o.store.replace(next);
    return true;
  }

  async function becomeLeader() {
    leader = true;
    o.logger?.info({ identity: o.identity }, 'became leader');
    await o.onStartedLeading();
  }

  async function stepDown(why: string) {
    if (!leader) return;
    leader = false;
    o.logger?.warn({ identity: o.identity, why }, 'stepped down');
    await o.onStoppedLeading();
  }

  async function tick() {
    try {
      const won = await tryAcquireOrRenew();
      held = won;
      if (won) {
        lastRenew = now();
        if (!leader && !stopped) await becomeLeader();
      } else {
        await stepDown('another replica holds the lease');
      }
    } catch (err) {
      // 409: someone else wrote first. Anything else: the API is unreachable; keep trying until the deadline.
      if (!isKubeStatus(err, 409)) o.logger?.warn({ err }, 'lease update failed');
      if (leader && (isKubeStatus(err, 409) || now() - lastRenew >= o.renewDeadlineMs)) await stepDown('lease not renewed');
    }
    if (!stopped) timer = setTimeout(() => (loop = tick()), o.retryPeriodMs);
  }

  loop = tick();

  return {
    get isLeader() {
      return leader;
    },
    async stop({ release = true } = {}) {
      stopped = true;
      clearTimeout(timer);
      await loop;
      // Also when a last acquisition raced with stop: a lease we hold but do not use would only block the others.
      if (release && (leader || held)) {
        try {
          const current = await o.store.get();
          if (current?.holderIdentity === o.identity) {
            await o.store.replace({ ...current, holderIdentity: null, leaseDurationSeconds: 1, renewTime: new Date(now()).toISOString() });
          }
        } catch (err) {
          o.logger?.warn({ err }, 'lease not released');
        }
      }
      await stepDown('stopped');
    },
  };
}
