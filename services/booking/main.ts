import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startBookingService } from './service';

runMain('booking', async () => (await startBookingService(loadConfig('booking'))).close);
