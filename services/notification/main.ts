import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startNotificationService } from './service';

runMain('notification', () => startNotificationService(loadConfig('notification')));
