import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startOperatorService } from './service';

runMain('operator', () => startOperatorService(loadConfig('operator')));
