import fs from 'node:fs';
import path from 'node:path';

/** One JSON log line of a service (pino), as written to LOG_FILE. */
export interface LogLine {
  level: number;
  msg?: string;
  service?: string;
  component?: string;
  requestId?: string;
  reservationId?: string;
  [key: string]: unknown;
}

/** The lines a service has written so far to `<dir>/<service>.log` (the test stack's `logDir`). */
export function serviceLog(dir: string, service: string): LogLine[] {
  const file = path.join(dir, `${service}.log`);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}
