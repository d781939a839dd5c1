/**
 * The first import of every service's entry point (main.ts): with tracing
 * on, the instrumentations must patch http, undici, pg and ioredis before
 * anything requires them. With tracing off it loads nothing more.
 */
import { tracingEndpoint } from './config';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on (README, Observability)
if (tracingEndpoint()) (require('./tracing') as typeof import('./tracing')).enableInstrumentations();
