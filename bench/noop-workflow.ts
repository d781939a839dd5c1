/**
 * The no-op workflow of the Update-with-Start baseline (bench/baselines.ts):
 * one update that returns at once, after which the workflow completes.
 */
import { allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const noopUpdate = defineUpdate<string>('noop');

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
