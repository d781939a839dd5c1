/**
 * OpenTelemetry tracing, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (instrument.ts and service-kit.ts require this module lazily): with
 * tracing off no SDK, instrumentation or exporter is ever loaded.
 *
 * Spans of HTTP in and out (node:http: every server and the gateway's proxy;
 * undici: the service client), PostgreSQL (pg) and Redis (ioredis) come from
 * the maintained instrumentations; Temporal's from its own interceptors
 * (booking's client, the worker's activities and workflows). They leave by
 * OTLP over HTTP (protobuf) to `<endpoint>/v1/traces`.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';

/**
 * ioredis 6 kept the two methods the instrumentation wraps (Redis#sendCommand
 * and Redis#connect) as they were in 5; the instrumentation's release for
 * this SDK generation only lists versions below 6, so the range is widened
 * here (the tracing test shows Redis spans).
 */
class IORedis6Instrumentation extends IORedisInstrumentation {
  override init() {
    const definitions = super.init();
    for (const d of definitions) d.supportedVersions = ['>=2.0.0 <7'];
    return definitions;
  }
}

/** Health checks and scrapes are not a booking's story: they would be most of the spans. */
const UNTRACED_PATHS = /^\/(healthz|readyz|metrics)\b/;

/** Patches http, undici, pg and ioredis as they load: must run before anything requires them (instrument.ts). */
export function enableInstrumentations(): void {
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      new UndiciInstrumentation(),
      // Only queries inside a traced operation (a request, an activity): not pool housekeeping.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedis6Instrumentation({ requireParentSpan: true }),
    ],
  });
}

export interface Tracing {
  resource: Resource;
  /** Where the worker hands the spans its workflows make (interceptors-opentelemetry's sink). */
  processor: SpanProcessor;
  /** Sends what is left, then stops. */
  close(): Promise<void>;
}

/** The tracer provider of one service: registered globally, so instrumentations and interceptors find it. */
export function startTracing(service: string, endpoint: string): Tracing {
  const resource = new Resource({ 'service.name': service });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), { scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return { resource, processor, close: () => provider.shutdown() };
}
