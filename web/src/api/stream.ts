import { createSseParser, type ServerSentEvent } from '../lib/sse-parser';
import { retryDelayMs } from '../lib/refresh-schedule';
import { ApiError } from './errors';
import { send } from './http';

export interface StreamHandlers {
  onEvent(e: ServerSentEvent): void;
  /** The stream broke (a network error or the server ended it); it reconnects unless the error is final. */
  onDrop?(err: unknown, final: boolean): void;
}

/** A refusal that asking again will not change (404, 403...): stop reconnecting. */
const isFinal = (err: unknown) => err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;

/**
 * Reads a Server-Sent Events endpoint of the API with fetch(), so it carries
 * the bearer token (EventSource cannot send an Authorization header), and
 * reconnects with growing pauses when the connection drops. Each
 * reconnection gets the stream from its start (the seat map's stream begins
 * with a fresh snapshot). Returns the function that closes it for good.
 */
export function openStream(path: string, h: StreamHandlers, o: { reconnect?: boolean } = { reconnect: true }): () => void {
  const controller = new AbortController();
  let closed = false;
  let attempt = 0;
  (async () => {
    while (!closed) {
      try {
        const res = await send('GET', path, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
        attempt = 0;
        const push = createSseParser((e) => !closed && h.onEvent(e));
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          push(value);
        }
        if (!closed) h.onDrop?.(undefined, false);
      } catch (err) {
        if (closed) return;
        const final = isFinal(err) || !o.reconnect;
        h.onDrop?.(err, final);
        if (final) return;
      }
      if (!o.reconnect || closed) return;
      await new Promise((r) => setTimeout(r, retryDelayMs(++attempt)));
    }
  })();
  return () => {
    closed = true;
    controller.abort();
  };
}
