import { Counter, type Registry } from 'prom-client';
import { HttpError } from '../shared/errors';
import type { ScanResult } from './admissions';

/** Scans at the door by result, the same results the scan log records (admissions.ts), plus `error` for our failures. */
export function createScanCounter(registry: Registry) {
  const scans = new Counter({
    name: 'checkin_scans_total',
    help: 'Ticket scans at the door by result (admitted, already_checked_in, invalid, forbidden, error)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return {
    admitted: () => scans.inc({ result: 'admitted' }),
    refused(err: unknown): void {
      const result: ScanResult | 'error' = !(err instanceof HttpError) || err.status >= 500 ? 'error' : err.code === 'ALREADY_CHECKED_IN' ? 'already_checked_in' : err.status === 403 ? 'forbidden' : 'invalid';
      scans.inc({ result });
    },
  };
}
