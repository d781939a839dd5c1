import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Where the build puts the workflow bundle; workers load it instead of bundling at start-up. */
export const WORKFLOW_BUNDLE = resolve(__dirname, '../../workflow-bundle.js');

export async function writeWorkflowBundle(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(join(__dirname, '../../workflows')),
    // Headers in, headers out: correlation ids and (when the start asked for it) trace context (README, Observability).
    workflowInterceptorModules: [require.resolve(join(__dirname, '../../workflows/correlation-interceptors')), require.resolve(join(__dirname, '../../workflows/tracing-interceptors'))],
  });
  writeFileSync(WORKFLOW_BUNDLE, code);
}

if (require.main === module) {
  writeWorkflowBundle().then(
    () => console.log(`workflow bundle written to ${WORKFLOW_BUNDLE}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
