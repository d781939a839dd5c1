import { Counter, type Registry } from 'prom-client';

/** Money moving, counted by the provider that moves it: new payment intents by first answer, and refunds (once each). */
export function createPaymentCounters(registry: Registry) {
  const intents = new Counter({
    name: 'payment_intents_total',
    help: 'Payment intents created, by their first status (succeeded, declined, processing...); an idempotent replay is not counted',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const refunds = new Counter({
    name: 'payment_refunds_total',
    help: 'Payments refunded (a late payment whose seats were gone, an unknown outcome settled, a cancelled event), once each',
    registers: [registry],
  });
  return { intentCreated: (status: string) => intents.inc({ status }), refunded: () => refunds.inc() };
}
