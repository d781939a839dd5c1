/**
 * The chaos scenarios (issue 19): each is a fault injected into the
 * supervised stack while a flash sale runs (run-scenario.ts). `inject`
 * returns when the fault is over (the process killed, or the stopped server
 * let back); healing is measured from then.
 */
import { holdDown, releaseHold } from '../../devstack/supervisor';
import type { ChaosStack } from './chaos-stack';
import { flush, killAndWait, outage, rollingRestart, signal, untilRestarted, type Log } from './faults';

export interface Scenario {
  id: string;
  title: string;
  /** When the fault hits: once buyers hold seats, or while confirms are in flight. */
  trigger: 'holds' | 'confirms';
  /** The sale runs behind an open waiting room (its queue is part of what the fault hits). */
  waitingRoom?: boolean;
  /** Before the sale: e.g. one of the two workers held down. */
  setup?(s: ChaosStack, log: Log): Promise<void>;
  /** The fault; resolves when it is over (ms since the epoch). */
  inject(s: ChaosStack, log: Log): Promise<number>;
  /** After the sale: undo setup. */
  teardown?(s: ChaosStack, log: Log): Promise<void>;
}

/** The supervisor is asked to keep the second worker down: the sale has one worker. */
function oneWorker() {
  let restarts = 0;
  return {
    async setup(s: ChaosStack, log: Log) {
      holdDown(s.runDir, 'worker-2');
      restarts = signal(s, 'worker-2', 'SIGTERM', log);
    },
    async teardown(s: ChaosStack, log: Log) {
      releaseHold(s.runDir, 'worker-2');
      await untilRestarted(s, 'worker-2', restarts);
      log('worker-2 is back');
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'worker-kill',
    title: 'worker SIGKILLed (one worker)',
    trigger: 'holds',
    ...oneWorker(),
    inject: (s, log) => killAndWait(s, 'worker', log),
  },
  {
    id: 'worker-kill-of-two',
    title: 'one of two workers SIGKILLed',
    trigger: 'holds',
    inject: (s, log) => killAndWait(s, 'worker', log),
  },
  {
    id: 'temporal-restart',
    title: 'Temporal stopped 5 s, restarted on its database file',
    trigger: 'holds',
    inject: (s, log) => outage(s, 'temporal', 5_000, log),
  },
  {
    id: 'postgres-10s',
    title: 'PostgreSQL stopped 10 s',
    trigger: 'holds',
    inject: (s, log) => outage(s, 'postgres', 10_000, log),
  },
  {
    id: 'redis-kill',
    title: 'Redis SIGKILLed, restarted',
    trigger: 'holds',
    inject: (s, log) => killAndWait(s, 'redis', log),
  },
  {
    id: 'redis-flushall',
    title: 'Redis FLUSHALL (waiting room open)',
    trigger: 'holds',
    waitingRoom: true,
    inject: flush,
  },
  {
    id: 'booking-kill',
    title: 'booking API SIGKILLed during confirms',
    trigger: 'confirms',
    inject: (s, log) => killAndWait(s, 'booking', log),
  },
  {
    id: 'payment-kill',
    title: 'payment provider SIGKILLed during confirms',
    trigger: 'confirms',
    inject: (s, log) => killAndWait(s, 'payment', log),
  },
  {
    id: 'rolling-restart',
    title: 'rolling restart of every service (SIGTERM)',
    trigger: 'holds',
    inject: rollingRestart,
  },
];
