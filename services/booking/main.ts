import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startBookingService } from './service';

runMain('booking', () => startBookingService(loadConfig('booking')));
