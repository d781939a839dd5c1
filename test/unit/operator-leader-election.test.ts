import { startLeaderElection, type LeaderElector } from '../../services/operator/leader-election';
import { MemoryLeaseStore } from '../support/memory-kube';

/** Two replicas campaigning for one Lease, with durations short enough for a unit test. */
const LEASE_MS = 800;

function replicas(store: MemoryLeaseStore) {
  const log: string[] = [];
  const leading = new Set<string>();
  let overlap = false;
  const start = (identity: string): LeaderElector =>
    startLeaderElection({
      store,
      identity,
      leaseDurationMs: LEASE_MS,
      renewDeadlineMs: 500,
      retryPeriodMs: 100,
      onStartedLeading: () => {
        if (leading.size > 0) overlap = true;
        leading.add(identity);
        log.push(`${identity} leads`);
      },
      onStoppedLeading: () => {
        leading.delete(identity);
        log.push(`${identity} stops`);
      },
    });
  return { log, leading, start, overlapped: () => overlap };
}

async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('leader election on a Lease', () => {
  test('of two candidates exactly one leads, and keeps leading while it renews', async () => {
    const store = new MemoryLeaseStore();
    const r = replicas(store);
    const a = r.start('a');
    const b = r.start('b');
    await waitFor(() => a.isLeader || b.isLeader);
    // Several lease durations: the leader renews, the other never gets in.
    for (let i = 0; i < 20; i++) {
      expect(Number(a.isLeader) + Number(b.isLeader)).toBe(1);
      await sleep(100);
    }
    expect(r.log).toHaveLength(1);
    expect((await store.get())?.holderIdentity).toBe(r.log[0]!.split(' ')[0]);
    await a.stop();
    await b.stop();
    expect(r.overlapped()).toBe(false);
  });

  test('when the leader stops renewing, the other takes over, but only after the lease expires', async () => {
    const store = new MemoryLeaseStore();
    const r = replicas(store);
    const a = r.start('a');
    await waitFor(() => a.isLeader);
    const b = r.start('b');
    await sleep(300);
    expect(b.isLeader).toBe(false);

    // A crash: no more renewals and no release.
    await a.stop({ release: false });
    const waited = await waitFor(() => b.isLeader);
    expect(waited).toBeGreaterThanOrEqual(LEASE_MS - 350);
    expect((await store.get())).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(r.overlapped()).toBe(false);
    await b.stop();
  });

  test('a leader that hands the lease back is replaced at once', async () => {
    const store = new MemoryLeaseStore();
    const r = replicas(store);
    const a = r.start('a');
    await waitFor(() => a.isLeader);
    const b = r.start('b');
    await sleep(150);
    await a.stop();
    const waited = await waitFor(() => b.isLeader);
    expect(waited).toBeLessThan(LEASE_MS - 200);
    await b.stop();
  });

  test('a leader cut off from the API steps down within the renew deadline, before its lease can expire elsewhere', async () => {
    const store = new MemoryLeaseStore();
    const r = replicas(store);
    const a = r.start('a');
    await waitFor(() => a.isLeader);
    store.unreachable = true;
    const waited = await waitFor(() => !a.isLeader);
    expect(waited).toBeLessThan(LEASE_MS);
    expect(r.log).toEqual(['a leads', 'a stops']);
    store.unreachable = false;
    await waitFor(() => a.isLeader);
    await a.stop();
  });
});
