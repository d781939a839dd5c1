import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/** Recorded workflow histories that the replay test (test/workflow/replay.test.ts) replays. */
export const HISTORIES = join(__dirname, '../fixtures/histories');

/**
 * Keeps a finished workflow's history for the replay test when
 * RECORD_HISTORIES=1. Once a workflow version has been deployed, its
 * histories stay: a later change must keep replaying them (README,
 * "Changing a workflow").
 */
export async function keepHistory(file: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  await handle.result().catch(() => undefined);
  writeFileSync(join(HISTORIES, file), historyToJSON(await handle.fetchHistory()));
}
