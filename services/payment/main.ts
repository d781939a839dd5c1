// First: with tracing on, the instrumentations patch http, pg and ioredis before anything loads them.
import '../shared/instrument';
import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startPaymentService } from './service';

runMain('payment', () => startPaymentService(loadConfig('payment')));
