import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { problem } from './errors';

const REFUSALS: Record<string, [status: number, code: string, detail: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'the request line and headers are larger than the server reads (16 KiB)'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'the request was not received in time'],
};
const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Requests Node's HTTP parser refuses before any handler sees them (headers
 * or a URL over its 16 KiB limit, a malformed request line or header) are
 * answered as every other refusal is, problem+json, instead of Node's bare
 * 400 or 431 (found by the fuzz test: a 20 kB query string).
 */
export function answerParseErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, code, detail] = REFUSALS[err.code ?? ''] ?? [400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'];
    const body = JSON.stringify(problem(status, code, detail));
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
