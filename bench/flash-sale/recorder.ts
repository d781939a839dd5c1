/**
 * Every request the buyers make during the sale: endpoint, outcome, start and
 * latency. Summaries per endpoint and per-second buckets (for the chart) are
 * computed from it afterwards.
 */
import { percentile } from '../load';
import type { HttpAnswer, Outcome } from './http-client';

export const ENDPOINTS = [
  'GET /sessions/{id}/availability',
  'GET /sessions/{id}/layout',
  'POST /reservations',
  'POST /reservations/{id}/confirm',
  'DELETE /reservations/{id}',
  'POST /sessions/{id}/queue',
  'GET /queue/{token}',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

interface Sample {
  status: Outcome;
  /** Seconds after the clock started. */
  at: number;
  ms: number;
}

export interface EndpointSummary {
  endpoint: Endpoint | string;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  statuses: Map<string, number>;
}

export interface SecondBucket {
  second: number;
  /** Completed requests per endpoint in that second. */
  requests: Map<Endpoint, number>;
  /** Latency percentiles of POST /reservations started in that second (NaN when none). */
  reserveP50: number;
  reserveP99: number;
}

export class Recorder {
  readonly samples = new Map<Endpoint, Sample[]>();
  private t0 = performance.now();
  private t1: number | undefined;

  start(): void {
    this.t0 = performance.now();
    this.t1 = undefined;
  }

  stop(): void {
    this.t1 = performance.now();
  }

  /** Wall seconds from start() to stop() (or now). */
  get seconds(): number {
    return ((this.t1 ?? performance.now()) - this.t0) / 1000;
  }

  /** The first 5xx body (or broken connection's error) per endpoint, to say what failed. */
  readonly firstServerErrors = new Map<Endpoint, string>();

  record(endpoint: Endpoint, a: HttpAnswer): void {
    if (a.status === 503 && a.retryAfter !== undefined) this.unavailableWithRetryAfter++;
    if (((typeof a.status === 'number' && a.status >= 500) || a.status === 'error') && !this.firstServerErrors.has(endpoint)) {
      this.firstServerErrors.set(endpoint, `${a.status} ${a.raw.toString('utf8').slice(0, 300)}`);
    }
    let list = this.samples.get(endpoint);
    if (!list) this.samples.set(endpoint, (list = []));
    list.push({ status: a.status, at: (a.startedAt - this.t0) / 1000, ms: a.ms });
  }

  /** Seconds from the start to the last completed request of `endpoint` (0 when none). */
  /** Seconds from the start to the last answer of an endpoint (with that status, when given). */
  lastCompletion(endpoint: Endpoint, status?: Outcome): number {
    return (this.samples.get(endpoint) ?? []).filter((s) => status === undefined || s.status === status).reduce((m, s) => Math.max(m, s.at + s.ms / 1000), 0);
  }

  count(endpoint: Endpoint, status?: Outcome): number {
    const list = this.samples.get(endpoint) ?? [];
    return status === undefined ? list.length : list.filter((s) => s.status === status).length;
  }

  /** 503 answers that said when to retry (Retry-After): a dependency down for a while, which a client may retry. */
  unavailableWithRetryAfter = 0;
  /** Requests that, after the buyer's retries (if any), never got an answer: a timeout, or a connection refused or broken. */
  unanswered = 0;

  /** Requests that failed the run's rules: any 5xx, timeout or broken connection. */
  failures(): { serverErrors: number; timeouts: number; connectionErrors: number } {
    let serverErrors = 0;
    let timeouts = 0;
    let connectionErrors = 0;
    for (const list of this.samples.values()) {
      for (const s of list) {
        if (s.status === 'timeout') timeouts++;
        else if (s.status === 'error') connectionErrors++;
        else if (s.status >= 500) serverErrors++;
      }
    }
    return { serverErrors, timeouts, connectionErrors };
  }

  summary(endpoint: Endpoint, only?: (status: Outcome) => boolean): EndpointSummary {
    const list = (this.samples.get(endpoint) ?? []).filter((s) => !only || only(s.status));
    return summarize(endpoint, list, this.seconds);
  }

  summaries(): EndpointSummary[] {
    return ENDPOINTS.filter((e) => this.samples.has(e)).map((e) => this.summary(e));
  }

  buckets(): SecondBucket[] {
    const n = Math.max(1, Math.ceil(this.seconds));
    const out: SecondBucket[] = Array.from({ length: n }, (_, second) => ({ second, requests: new Map(), reserveP50: NaN, reserveP99: NaN }));
    const reserve: number[][] = Array.from({ length: n }, () => []);
    for (const [endpoint, list] of this.samples) {
      for (const s of list) {
        const done = Math.min(n - 1, Math.max(0, Math.floor(s.at + s.ms / 1000)));
        const b = out[done]!;
        b.requests.set(endpoint, (b.requests.get(endpoint) ?? 0) + 1);
        if (endpoint === 'POST /reservations') reserve[Math.min(n - 1, Math.max(0, Math.floor(s.at)))]!.push(s.ms);
      }
    }
    reserve.forEach((ms, i) => {
      ms.sort((a, b) => a - b);
      out[i]!.reserveP50 = percentile(ms, 50);
      out[i]!.reserveP99 = percentile(ms, 99);
    });
    return out;
  }
}

export function summarize(endpoint: string, list: { status: Outcome; ms: number }[], seconds: number): EndpointSummary {
  const ms = list.map((s) => s.ms).sort((a, b) => a - b);
  const statuses = new Map<string, number>();
  for (const s of list) statuses.set(String(s.status), (statuses.get(String(s.status)) ?? 0) + 1);
  return {
    endpoint,
    requests: list.length,
    perSecond: seconds > 0 ? list.length / seconds : NaN,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1] ?? NaN,
    statuses,
  };
}
