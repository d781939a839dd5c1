import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startOperatorService } from './service';

runMain('operator', async () => (await startOperatorService(loadConfig('operator'))).close);
