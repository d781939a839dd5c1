import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startPaymentService } from './service';

runMain('payment', () => startPaymentService(loadConfig('payment')));
