import type { AuditTopic } from '../shared/audit-trail';
import type { Outbox } from '../shared/outbox';

/**
 * What the catalog's outbox carries: audit entries for auth's log, and the
 * refund runs of cancelled events for booking. A cancellation commits with
 * its refund-run message, so the refunds start even if booking is down at
 * that moment: the relay asks booking until it accepts, and booking's run is
 * one workflow per event (`event-cancellation-<eventId>`), so asking twice
 * is harmless.
 */
export type CatalogTopics = AuditTopic & {
  'event-cancellation': { eventId: string; requestedBy: string | null };
};
export type CatalogOutbox = Outbox<CatalogTopics>;
