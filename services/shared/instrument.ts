/**
 * The first import of every service's entry point (main.ts): with tracing
 * on, the instrumentations must patch http, undici, pg and ioredis before
 * anything requires them. With tracing off it loads nothing more.
 */
import { tracingEndpoint } from './config';

if (tracingEndpoint()) (require('./tracing') as typeof import('./tracing')).enableInstrumentations();
