import type { Express } from 'express';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import { requireService } from '../shared/auth';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { parse } from '../shared/validation';
import { ListQuery, NotificationRequest } from '../../contracts/notification';
import type { MessageStore } from './store';

export interface NotificationDeps {
  pool: Pool;
  store: MessageStore;
  serviceToken: string;
  logger: Logger;
  /** Called after a message is queued, so the local dispatcher sends it without waiting for its next poll. */
  onQueued: () => void;
}

/** Only other services call it: it queues emails and shows their delivery log. */
export function createNotificationApp(d: NotificationDeps): { app: Express; metrics: Metrics } {
  const { app, metrics } = createServiceApp({
    name: 'notification',
    logger: d.logger,
    // Only the database: a mail server that is down must not take the service
    // out of rotation, because requests only queue mail and the dispatcher retries.
    ready: async () => void (await d.pool.query('SELECT 1')),
  });
  app.use('/internal', requireService(d.serviceToken));

  app.post('/internal/notifications', async (req, res) => {
    const { message, created } = await d.store.enqueue(parse(NotificationRequest, req.body));
    if (created) d.onQueued();
    res.status(created ? 202 : 200).json(message);
  });

  app.get('/internal/notifications', async (req, res) => {
    const { reservationId } = parse(ListQuery, req.query, 'query');
    res.json({ items: await d.store.byReservation(reservationId) });
  });

  return { app: finishApp(app, d.logger), metrics };
}

export function deliveryCounter(metrics: Metrics): Counter<'outcome'> {
  return new Counter({
    name: 'notification_delivery_attempts_total',
    help: 'Email delivery attempts by outcome (sent, retry, failed)',
    labelNames: ['outcome'] as const,
    registers: [metrics.registry],
  });
}
