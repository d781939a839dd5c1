import { Writable } from 'node:stream';
import pino from 'pino';
import { requestLog, sampleRequestLog, type RequestLine } from '../../services/shared/request-log';

/** A real pino logger at debug whose lines land in `lines`. */
function capturing() {
  const lines: { level: number; msg: string; status: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const line = (status: number, ms = 3): RequestLine => ({ requestId: 'r1', method: 'GET', route: '/x', url: '/x', status, ms });
const INFO = 30;

describe('request lines: which answers are logged at info', () => {
  it('with 1 in 3 sampled: every error, every refusal but 409, every slow success, and one success in three', async () => {
    const { logger, lines } = capturing();
    sampleRequestLog(logger, { sampleEvery: 3, slowMs: 500 });
    const log = requestLog(logger);
    for (let i = 0; i < 6; i++) log(line(200));
    log(line(201, 800));
    log(line(409));
    log(line(403));
    log(line(503));
    await new Promise((r) => setImmediate(r));
    const atInfoOrAbove = lines.filter((l) => l.level >= INFO).map((l) => [l.status, l.msg]);
    expect(atInfoOrAbove).toEqual([
      [200, 'request'],
      [200, 'request'],
      [201, 'slow request'],
      [403, 'request refused'],
      [503, 'request failed'],
    ]);
    // The rest are still there for LOG_LEVEL=debug.
    expect(lines).toHaveLength(10);
  });

  it('without settings (a service whose config has none), every success is logged at info', async () => {
    const { logger, lines } = capturing();
    const log = requestLog(logger);
    for (let i = 0; i < 3; i++) log(line(200));
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.level === INFO)).toHaveLength(3);
  });
});
