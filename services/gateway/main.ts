import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startGatewayService } from './service';

runMain('gateway', () => startGatewayService(loadConfig('gateway')));
