import { join } from 'node:path';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createPaymentApp } from './app';
import { createProvider } from './provider';

export function startPaymentService(cfg: Config<'payment'>): Promise<RunningServer> {
  return startService('payment', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'payment', join(__dirname, 'migrations'));
    return createPaymentApp({ pool, logger: kit.logger, provider: createProvider(pool), serviceToken: cfg.SERVICE_TOKEN });
  });
}
