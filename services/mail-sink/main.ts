import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startMailSinkService } from './service';

runMain('mail-sink', async () => (await startMailSinkService(loadConfig('mail-sink'))).close);
