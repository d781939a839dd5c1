import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startMailSinkService } from './service';

runMain('mail-sink', () => startMailSinkService(loadConfig('mail-sink')));
