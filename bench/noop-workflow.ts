/**
 * The workflows of the Temporal baselines (bench/baselines.ts), without any
 * activity: what the server alone costs.
 * - noop: one update that returns at once, after which the workflow completes.
 * - bookingShape: the server-side shape of a paid booking (BookingWorkflow)
 *   with nothing in between: a hold update, a search-attribute upsert and a
 *   timer; then a second update (the confirm), another upsert, and completion.
 */
import { allHandlersFinished, condition, defineUpdate, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { BookingExpiresAtKey, BookingStatusKey } from '../contracts/search-attributes';

export const noopUpdate = defineUpdate<string>('noop');
export const confirmShapeUpdate = defineUpdate<string>('confirm');

export async function noop(): Promise<void> {
  let updated = false;
  setHandler(noopUpdate, () => {
    updated = true;
    return 'ok';
  });
  // Complete right after the update (or after a minute if none comes).
  await condition(() => updated, '1 minute');
  await condition(allHandlersFinished);
}

export async function bookingShape(): Promise<void> {
  let held = false;
  let confirmed = false;
  setHandler(noopUpdate, () => {
    held = true;
    // The booking's own keys (the dev server knows them); the values never match a booking's status.
    upsertSearchAttributes([
      { key: BookingStatusKey, value: 'bench-held' },
      { key: BookingExpiresAtKey, value: new Date(Date.now() + 60_000) },
    ]);
    return 'ok';
  });
  setHandler(confirmShapeUpdate, () => {
    confirmed = true;
    return 'ok';
  });
  await condition(() => held, '1 minute');
  await condition(() => confirmed, '1 minute');
  upsertSearchAttributes([{ key: BookingStatusKey, value: 'bench-confirmed' }]);
  await condition(allHandlersFinished);
}
