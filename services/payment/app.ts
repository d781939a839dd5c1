import type { Express } from 'express';
import type { Pool } from 'pg';
import { requireService } from '../shared/auth';
import { notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import { z } from 'zod';
import type { Provider } from './provider';
import { ChargeBody } from './schemas';

export interface PaymentDeps {
  pool: Pool;
  provider: Provider;
  serviceToken: string;
  logger: Logger;
}

/** The mock payment provider. Only other services call it; nothing is public. */
export function createPaymentApp(d: PaymentDeps): Express {
  const { app } = createServiceApp({ name: 'payment', logger: d.logger, ready: async () => void (await d.pool.query('SELECT 1')) });
  app.use('/internal', requireService(d.serviceToken));

  app.post('/internal/charges', async (req, res) => {
    const { charge, replayed } = await d.provider.charge(parse(ChargeBody, req.body));
    res.status(replayed ? 200 : 201).json(charge);
  });

  app.post('/internal/charges/:id/refunds', async (req, res) => {
    const charge = await d.provider.refund(parse(uuid, req.params.id, 'path.id'));
    if (!charge) throw notFound('charge');
    res.json(charge);
  });

  app.get('/internal/charges', async (req, res) => {
    const { reference } = parse(z.object({ reference: z.string().min(1) }), req.query, 'query');
    res.json({ items: await d.provider.byReference(reference) });
  });

  return finishApp(app, d.logger);
}
