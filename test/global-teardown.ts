import { stopInfra, TEST_INFRA_OPTIONS } from '../devstack/infra';
import { releaseTestInfraLock } from './infra-lock';

/** Stops the test infrastructure, unless KEEP_INFRA=1 keeps it for fast re-runs (`npm run down -- --test` stops it then). */
export default async function globalTeardown(): Promise<void> {
  try {
    if (process.env.KEEP_INFRA === '1') {
      console.log('[test-infra] KEEP_INFRA=1: leaving the test infrastructure running (npm run down -- --test stops it)');
      return;
    }
    await stopInfra({ ...TEST_INFRA_OPTIONS, log: (l: string) => console.log(`[test-infra] ${l}`) });
  } finally {
    releaseTestInfraLock();
  }
}
