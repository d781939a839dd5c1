// First: with tracing on, the instrumentations patch http, pg and ioredis before anything loads them.
import '../shared/instrument';
import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { installSdkRuntime } from './sdk-runtime';
import { startWorkerService } from './service';

runMain('worker', async () => {
  const cfg = loadConfig('worker');
  installSdkRuntime(cfg);
  return startWorkerService(cfg);
});
