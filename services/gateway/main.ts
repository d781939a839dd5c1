// First: with tracing on, the instrumentations patch http, pg and ioredis before anything loads them.
import '../shared/instrument';
import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startGatewayService } from './service';

runMain('gateway', () => startGatewayService(loadConfig('gateway')));
