/**
 * The EventSale custom resource: its names, its OpenAPI schema (the charts
 * generate the CustomResourceDefinition from these exports) and its types.
 * The spec maps one to one onto the catalog's public API: venue → POST
 * /venues, hall → POST/PUT /venues/{id}/halls, event → POST/PATCH /events,
 * each session → POST /events/{id}/sessions, onSaleAt → POST /events/{id}/publish.
 */

export const EVENTSALE_GROUP = 'ticketing.example.com';
export const EVENTSALE_VERSION = 'v1alpha1';
export const EVENTSALE_KIND = 'EventSale';
export const EVENTSALE_LIST_KIND = 'EventSaleList';
export const EVENTSALE_PLURAL = 'eventsales';
export const EVENTSALE_SINGULAR = 'eventsale';
export const EVENTSALE_SHORT_NAMES = ['esale'];
export const EVENTSALE_API_VERSION = `${EVENTSALE_GROUP}/${EVENTSALE_VERSION}`;
/** Held on every EventSale the operator has touched, until its catalog event is cancelled. */
export const EVENTSALE_FINALIZER = `${EVENTSALE_GROUP}/cancel-event`;

// Mirrors services/catalog/schemas.ts (CATEGORIES); the catalog stays the judge of valid input.
export const EVENT_CATEGORIES = ['concert', 'theatre', 'sport', 'comedy', 'festival', 'conference', 'other'] as const;

export interface EventSaleSpec {
  event: { title: string; description?: string; category: (typeof EVENT_CATEGORIES)[number] };
  venue: { name: string; city: string; address: string };
  hall: { name: string; sections: { name: string; rows: { label: string; seats: number }[] }[] };
  /** Identified by startsAt: a hall holds one session at a time, so a start time names a session. */
  sessions: {
    startsAt: string;
    endsAt: string;
    tiers: { name: string; price: { amount: string; currency: string }; sections: string[] }[];
  }[];
  /** The event is published at or after this time; absent: as soon as it exists. */
  onSaleAt?: string;
}

export type EventSalePhase = 'Pending' | 'Scheduled' | 'OnSale' | 'Failed' | 'Cancelled' | 'Deleting';

export interface EventSaleCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface EventSaleSessionStatus {
  startsAt: string;
  sessionId: string;
  seatsAvailable: number;
  seatsReserved: number;
  seatsSold: number;
}

export interface EventSaleStatus {
  phase?: EventSalePhase;
  observedGeneration?: number;
  conditions?: EventSaleCondition[];
  catalog?: { venueId?: string; hallId?: string; eventId?: string; sessionIds?: string[] };
  sessions?: EventSaleSessionStatus[];
}

export interface EventSaleMetadata {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface EventSale {
  apiVersion: string;
  kind: string;
  metadata: EventSaleMetadata;
  spec: EventSaleSpec;
  status?: EventSaleStatus;
}

const str = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const dateTime = { type: 'string', format: 'date-time' };
const money = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'string', pattern: '^\\d{1,10}(\\.\\d{1,2})?$', description: 'a decimal string, e.g. "120.00"' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
};

/** The openAPIV3Schema of the CRD's only version (structural: every field typed). */
export const eventSaleOpenApiSchema = {
  type: 'object',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['event', 'venue', 'hall', 'sessions'],
      properties: {
        event: {
          type: 'object',
          required: ['title', 'category'],
          properties: {
            title: str(200),
            description: { type: 'string', maxLength: 5000 },
            category: { type: 'string', enum: [...EVENT_CATEGORIES] },
          },
        },
        venue: {
          type: 'object',
          required: ['name', 'city', 'address'],
          properties: { name: str(200), city: str(120), address: str(300) },
        },
        hall: {
          type: 'object',
          required: ['name', 'sections'],
          properties: {
            name: str(200),
            sections: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: {
                type: 'object',
                required: ['name', 'rows'],
                properties: {
                  name: str(60),
                  rows: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 500,
                    items: {
                      type: 'object',
                      required: ['label', 'seats'],
                      properties: { label: str(10), seats: { type: 'integer', minimum: 1, maximum: 500 } },
                    },
                  },
                },
              },
            },
          },
        },
        sessions: {
          type: 'array',
          minItems: 1,
          maxItems: 200,
          items: {
            type: 'object',
            required: ['startsAt', 'endsAt', 'tiers'],
            properties: {
              startsAt: dateTime,
              endsAt: dateTime,
              tiers: {
                type: 'array',
                minItems: 1,
                maxItems: 20,
                items: {
                  type: 'object',
                  required: ['name', 'price', 'sections'],
                  properties: {
                    name: str(60),
                    price: money,
                    sections: { type: 'array', minItems: 1, items: str(60) },
                  },
                },
              },
            },
          },
        },
        onSaleAt: { ...dateTime, description: 'publish at or after this time; absent: at once' },
      },
    },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string', enum: ['Pending', 'Scheduled', 'OnSale', 'Failed', 'Cancelled', 'Deleting'] },
        observedGeneration: { type: 'integer', format: 'int64' },
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
            properties: {
              type: { type: 'string' },
              status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
              reason: { type: 'string' },
              message: { type: 'string' },
              lastTransitionTime: dateTime,
              observedGeneration: { type: 'integer', format: 'int64' },
            },
          },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
        },
        catalog: {
          type: 'object',
          properties: {
            venueId: { type: 'string' },
            hallId: { type: 'string' },
            eventId: { type: 'string' },
            sessionIds: { type: 'array', items: { type: 'string' } },
          },
        },
        sessions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['startsAt', 'sessionId', 'seatsAvailable', 'seatsReserved', 'seatsSold'],
            properties: {
              startsAt: dateTime,
              sessionId: { type: 'string' },
              seatsAvailable: { type: 'integer' },
              seatsReserved: { type: 'integer' },
              seatsSold: { type: 'integer' },
            },
          },
        },
      },
    },
  },
} as const;

/** `kubectl get eventsales` columns. */
export const eventSalePrinterColumns: { name: string; type: string; jsonPath: string; priority?: number }[] = [
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Title', type: 'string', jsonPath: '.spec.event.title' },
  { name: 'On sale', type: 'date', jsonPath: '.spec.onSaleAt' },
  { name: 'Event', type: 'string', jsonPath: '.status.catalog.eventId', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];
