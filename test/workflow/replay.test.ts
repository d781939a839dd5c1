import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { HISTORIES } from '../support/histories';
import { WORKFLOW_BUNDLE } from '../support/stack';

// Recorded histories of deployed workflow code must replay on the current
// code: a non-deterministic change fails here, before it reaches production.
// Refresh with RECORD_HISTORIES=1 only when adding a scenario, never to hide a failure.
describe('workflow replay', () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('replays %s', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: WORKFLOW_BUNDLE } }, history, `replay-${file}`);
  });
});
