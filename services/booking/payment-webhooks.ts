import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Express } from 'express';
import { bookingWorkflowId, paymentSettledSignal } from '../../contracts/booking-workflow';
import { PaymentWebhook } from '../../contracts/payment';
import { HttpError } from '../shared/errors';
import type { RawBodyRequest } from '../shared/http';
import type { Logger } from '../shared/logger';
import { setReservationId } from '../shared/request-context';
import { parse } from '../shared/validation';
import { SIGNATURE_HEADER, verifyWebhook } from '../shared/webhook-signature';

/**
 * The payment provider's webhooks: a settled payment is passed to its
 * booking's workflow as a signal. Deliveries are at least once; the workflow
 * ignores an outcome it already knows, so a repeat changes nothing.
 */
export function paymentWebhookRoutes(app: Express, d: { client: Client; secret: string; logger: Logger }): void {
  app.post('/webhooks/payments', async (req, res) => {
    const raw = (req as RawBodyRequest).rawBody?.toString('utf8') ?? '';
    if (!verifyWebhook(d.secret, raw, req.get(SIGNATURE_HEADER))) {
      throw new HttpError(401, 'INVALID_SIGNATURE', 'the webhook signature is missing, stale or wrong');
    }
    const { intent } = parse(PaymentWebhook, req.body);
    setReservationId(intent.reference);
    try {
      await d.client.workflow.getHandle(bookingWorkflowId(intent.reference)).signal(paymentSettledSignal, { intentId: intent.id, status: intent.status });
    } catch (err) {
      // A booking that has finished reconciled its payments before it did; nothing is left to tell it.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      d.logger.info({ intent: intent.id, reference: intent.reference }, 'webhook for a finished booking ignored');
    }
    res.status(204).end();
  });
}
