import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startWorkerService } from './service';

runMain('worker', async () => {
  const cfg = loadConfig('worker');
  // The SDK logs every state change at INFO; the worker's own logs say what matters.
  Runtime.install({ logger: new DefaultLogger(cfg.LOG_LEVEL === 'debug' || cfg.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN') });
  return startWorkerService(cfg);
});
