import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startCatalogService } from './service';

runMain('catalog', () => startCatalogService(loadConfig('catalog')));
