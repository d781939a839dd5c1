import { join } from 'node:path';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { startPoller } from '../shared/poller';
import { startService } from '../shared/service-kit';
import { createPaymentApp } from './app';
import { createProvider } from './provider';
import { createWebhookSender } from './webhooks';

const TICK_MS = 200;

export function startPaymentService(cfg: Config<'payment'>): Promise<RunningServer> {
  return startService('payment', cfg, async (kit) => {
    const pool = await kit.database(cfg, 'payment', join(__dirname, 'migrations'));
    const provider = createProvider(pool, { slowMs: cfg.PAYMENT_SLOW_MS, errorAttempts: cfg.PAYMENT_ERROR_ATTEMPTS, webhookUrl: cfg.PAYMENT_WEBHOOK_URL });
    const webhooks = createWebhookSender(pool, { secret: cfg.PAYMENT_WEBHOOK_SECRET }, kit.logger);
    // The card network's clock: settles slow intents, then announces them.
    const clock = startPoller('payment settlement', TICK_MS, async () => {
      await provider.settleDue();
      await webhooks.deliverDue();
    }, kit.logger);
    kit.onClose(() => clock.stop());
    return createPaymentApp({ pool, logger: kit.logger, provider, serviceToken: cfg.SERVICE_TOKEN });
  });
}
