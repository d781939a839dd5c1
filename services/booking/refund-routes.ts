import type { Client } from '@temporalio/client';
import type { Express, RequestHandler } from 'express';
import { EventCancellationRequest, RefundBody } from '../../contracts/booking';
import { EVENT_CANCELLATION_WORKFLOW, eventCancellationWorkflowId, type EventCancellationWorkflowType } from '../../contracts/booking-workflow';
import { systemAuditEntry, type AuditTopic } from '../shared/audit-trail';
import { conflict, notFound } from '../shared/errors';
import type { Outbox } from '../shared/outbox';
import { parse, uuid } from '../shared/validation';
import type { BookingStore } from './store';

export interface RefundRouteDeps {
  internal: RequestHandler;
  client: Client;
  store: BookingStore;
  taskQueue: string;
  outbox: Outbox<AuditTopic>;
}

/**
 * Internal routes of event cancellation: the catalog asks for the refund run
 * once it has cancelled an event; the refund workflows read and settle bookings.
 */
export function refundRoutes(app: Express, d: RefundRouteDeps): void {
  const id = (v: unknown, name = 'id') => parse(uuid, v, `path.${name}`);

  app.post('/internal/events/:id/cancellation', d.internal, async (req, res) => {
    const eventId = id(req.params.id);
    const { requestedBy } = parse(EventCancellationRequest, req.body ?? {});
    await d.store.recordEventCancellation(eventId, requestedBy);
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
    // The refund is the system's, on behalf of whoever cancelled the event: audited with it, in its transaction.
    const r = await d.store.markRefunded(id(req.params.id), reason, async (c, refunded) =>
      d.outbox.enqueue(
        c,
        'audit',
        systemAuditEntry({
          action: 'booking.refunded',
          actorId: await d.store.eventCancelledBy(c, refunded.eventId),
          subjectId: refunded.id,
          details: { reason, eventId: refunded.eventId, sessionId: refunded.sessionId, userId: refunded.userId, chargeId: refunded.chargeId, total: refunded.total },
        }),
      ),
    );
    if (!r) throw conflict('NOT_REFUNDABLE', 'only a confirmed reservation can be refunded');
    d.outbox.nudge();
    res.json(r);
  });
}
