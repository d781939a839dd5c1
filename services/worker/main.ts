import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startWorkerService } from './service';

runMain('worker', async () => (await startWorkerService(loadConfig('worker'))).close);
