import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startCheckinService } from './service';

runMain('checkin', () => startCheckinService(loadConfig('checkin')));
