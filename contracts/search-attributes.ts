import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * The custom search attributes of booking workflows: what an operator
 * queries in the Temporal UI (README, "Finding bookings"). The workflows
 * upsert them, the booking API sets them at start, and every Temporal server
 * the platform runs registers them (devstack/, charts/temporal-chart.ts).
 */
export const BookingStatusKey = defineSearchAttributeKey('BookingStatus', 'KEYWORD');
export const BookingSessionIdKey = defineSearchAttributeKey('BookingSessionId', 'KEYWORD');
export const BookingUserIdKey = defineSearchAttributeKey('BookingUserId', 'KEYWORD');
export const BookingExpiresAtKey = defineSearchAttributeKey('BookingExpiresAt', 'DATETIME');

const BOOKING_SEARCH_ATTRIBUTES = [BookingStatusKey, BookingSessionIdKey, BookingUserIdKey, BookingExpiresAtKey];

/** Name → type as the temporal CLI spells it (`--search-attribute BookingStatus=Keyword`). */
export const SEARCH_ATTRIBUTE_TYPES: Readonly<Record<string, 'Keyword' | 'Datetime'>> = Object.fromEntries(
  BOOKING_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type === 'DATETIME' ? 'Datetime' : 'Keyword']),
);
