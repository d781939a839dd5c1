import fs from 'node:fs';
import path from 'node:path';
import type { Infra } from '../devstack/infra';

/** What test/global-setup.ts started for this jest run (see devstack/infra.ts). */
export interface TestInfra extends Infra {
  /** The `temporal` CLI: `TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path } } })`. */
  temporalPath: string;
  /** The time-skipping test server, for `TestWorkflowEnvironment.createTimeSkipping`. */
  testServerPath: string;
  /** The test data dir (`.data/test`). */
  dataDir: string;
}

export const INFRA_JSON = path.resolve(__dirname, '..', '.data', 'test', 'infra.json');

let cached: TestInfra | undefined;

/** The test infrastructure's URLs and tool paths, written by the jest global setup. */
export function testInfra(): TestInfra {
  if (!cached) {
    if (!fs.existsSync(INFRA_JSON)) {
      throw new Error(`${INFRA_JSON} is missing: run the tests through jest (its globalSetup starts the test infrastructure)`);
    }
    cached = JSON.parse(fs.readFileSync(INFRA_JSON, 'utf8')) as TestInfra;
  }
  return cached;
}
