import { DefaultLogger, Runtime } from '@temporalio/worker';

// Test output shows failures, not the SDK's worker state changes.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this jest worker process by an earlier test file.
}
