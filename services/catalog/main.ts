import { loadConfig } from '../shared/config';
import { runMain } from '../shared/http';
import { startCatalogService } from './service';

runMain('catalog', async () => (await startCatalogService(loadConfig('catalog'))).close);
