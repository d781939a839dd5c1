import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The OTLP protobuf messages as the exporter itself encodes them (its generated root), so the test reads what went over the wire.
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root') as any;
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');
const value = (v: any): unknown => v?.stringValue ?? (v?.intValue !== undefined && v?.intValue !== null ? Number(v.intValue) : undefined) ?? v?.boolValue ?? v?.doubleValue;
const attributes = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, value(a.value)]));

/** An OTLP/HTTP (protobuf) trace receiver on loopback: what the services export, decoded. */
export async function startOtlpReceiver(): Promise<{ endpoint: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const message = ExportTraceServiceRequest.decode(Buffer.concat(chunks));
        for (const rs of message.resourceSpans ?? []) {
          const service = String(attributes(rs.resource?.attributes)['service.name']);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ service, name: s.name, traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId), attributes: attributes(s.attributes) });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
