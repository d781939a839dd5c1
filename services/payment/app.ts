import type { Express } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { requireService } from '../shared/auth';
import { notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import { createPaymentCounters } from './payment-metrics';
import type { Provider } from './provider';
import { IntentBody } from '../../contracts/payment';

export interface PaymentDeps {
  pool: Pool;
  provider: Provider;
  serviceToken: string;
  logger: Logger;
}

/** The mock payment provider. Only other services call it; nothing is public. */
export function createPaymentApp(d: PaymentDeps): Express {
  const { app, metrics } = createServiceApp({ name: 'payment', logger: d.logger, ready: async () => void (await d.pool.query('SELECT 1')) });
  const counters = createPaymentCounters(metrics.registry);
  app.use('/internal', requireService(d.serviceToken));
  const found = <T>(x: T | undefined) => {
    if (!x) throw notFound('payment intent');
    return x;
  };
  const intentId = (id: unknown) => parse(uuid, id, 'path.id');

  app.post('/internal/payment-intents', async (req, res) => {
    const { intent, replayed } = await d.provider.create(parse(IntentBody, req.body));
    if (!replayed) counters.intentCreated(intent.status);
    res.status(replayed ? 200 : 201).json(intent);
  });
  app.get('/internal/payment-intents', async (req, res) => {
    const { reference } = parse(z.object({ reference: z.string().min(1) }), req.query, 'query');
    res.json({ items: await d.provider.byReference(reference) });
  });
  app.get('/internal/payment-intents/:id', async (req, res) => {
    res.json(found(await d.provider.get(intentId(req.params.id))));
  });
  app.post('/internal/payment-intents/:id/cancel', async (req, res) => {
    res.json(found(await d.provider.cancel(intentId(req.params.id))));
  });
  app.post('/internal/payment-intents/:id/refunds', async (req, res) => {
    const { intent, refundedNow } = found(await d.provider.refund(intentId(req.params.id)));
    if (refundedNow) counters.refunded();
    res.json(intent);
  });

  return finishApp(app, d.logger);
}
