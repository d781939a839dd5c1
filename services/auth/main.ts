import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startAuthService } from './service';

runMain('auth', () => startAuthService(loadConfig('auth')));
