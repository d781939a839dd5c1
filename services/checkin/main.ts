import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startCheckinService } from './service';

runMain('checkin', async () => (await startCheckinService(loadConfig('checkin'))).close);
