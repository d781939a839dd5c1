import type { Client } from '@temporalio/client';
import type { Express, RequestHandler } from 'express';
import { RefundBody } from '../../contracts/booking';
import { EVENT_CANCELLATION_WORKFLOW, eventCancellationWorkflowId, type EventCancellationWorkflowType } from '../../contracts/booking-workflow';
import { conflict, notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';
import type { BookingStore } from './store';

/**
 * Internal routes of event cancellation: the catalog asks for the refund run
 * once it has cancelled an event; the refund workflows read and settle bookings.
 */
export function refundRoutes(app: Express, d: { internal: RequestHandler; client: Client; store: BookingStore; taskQueue: string }): void {
  const id = (v: unknown, name = 'id') => parse(uuid, v, `path.${name}`);

  app.post('/internal/events/:id/cancellation', d.internal, async (req, res) => {
    const eventId = id(req.params.id);
    // One run per event at a time; a finished or interrupted run may be run again (it is idempotent).
    const handle = await d.client.workflow.start<EventCancellationWorkflowType>(EVENT_CANCELLATION_WORKFLOW, {
      workflowId: eventCancellationWorkflowId(eventId),
      taskQueue: d.taskQueue,
      args: [{ eventId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    res.status(202).json({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
  });

  app.get('/internal/reservations/:id', d.internal, async (req, res) => {
    const r = await d.store.reservationWithCharge(id(req.params.id));
    if (!r) throw notFound('reservation');
    res.json(r);
  });

  app.post('/internal/reservations/:id/refund', d.internal, async (req, res) => {
    const { reason } = parse(RefundBody, req.body);
    const r = await d.store.markRefunded(id(req.params.id), reason);
    if (!r) throw conflict('NOT_REFUNDABLE', 'only a confirmed reservation can be refunded');
    res.json(r);
  });
}
