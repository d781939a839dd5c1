import { request } from 'undici';
import type { Logger } from '../shared/logger';

/**
 * The Temporal SDK's Prometheus exposition (sdk-runtime.ts), read from its
 * loopback port when the worker's /metrics is scraped: one port per pod to
 * scrape and to open in the NetworkPolicy. Nothing when the exporter is off
 * or does not answer (the worker's own metrics still are).
 */
export function sdkMetrics(port: number, logger: Logger): () => Promise<string> {
  let warned = false;
  return async () => {
    if (!port) return '';
    try {
      const res = await request(`http://127.0.0.1:${port}/metrics`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      const text = await res.body.text();
      return res.statusCode === 200 ? `\n${text}` : '';
    } catch (err) {
      if (!warned) logger.warn({ err, port }, 'Temporal SDK metrics unavailable');
      warned = true;
      return '';
    }
  };
}
