import type { IncomingMessage, ServerResponse } from 'node:http';
import { match } from 'path-to-regexp';
import type { RoutedRequest } from './http';

/** A connect-style step: Express middleware that only needs Node's request and response. */
export type Step = (req: any, res: any, next: (err?: unknown) => void) => unknown;

export interface LaneRoute {
  method: string;
  /** Express-style path: /api/v1/reservations/:id */
  path: string;
  steps: Step[];
}

/**
 * A flash sale's hottest routes, each a fixed chain of steps, run on Node's
 * own request and response: in the gateway, every public API route; in the
 * booking service, POST /api/v1/reservations. Express's per-request cost
 * (its request and response objects, the walk through every registered
 * layer) was half of what the gateway spent forwarding a 409, the answer
 * most buyers get in a flash sale. Paths match as Express matches them:
 * case-insensitive, an optional trailing slash, HEAD as GET. Whatever
 * matches no route is left to `fallback`.
 */
export function apiLane(routes: LaneRoute[], fallback: (req: IncomingMessage, res: ServerResponse) => void, onError: (err: unknown, req: IncomingMessage, res: ServerResponse) => void) {
  const table = routes.map((r) => ({ method: r.method.toUpperCase(), matches: match(r.path, { sensitive: false, trailing: true, end: true, decode: false }), path: r.path, steps: r.steps }));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    let params: Record<string, string> = {};
    const route = table.find((r) => {
      if (r.method !== method) return false;
      const m = r.matches(pathname);
      if (m) params = m.params as Record<string, string>;
      return m !== false;
    });
    if (!route) return fallback(req, res);
    (req as RoutedRequest).route = { path: route.path };
    // As Express gives them: decoded (a malformed escape is left as it came, for validation to refuse).
    (req as { params?: Record<string, string> }).params = Object.fromEntries(
      Object.entries(params).map(([k, v]) => {
        try {
          return [k, decodeURIComponent(v)];
        } catch {
          return [k, v];
        }
      }),
    );
    let i = 0;
    const next = (err?: unknown): void => {
      if (err) return onError(err, req, res);
      const step = route.steps[i++];
      if (!step) return;
      try {
        const r = step(req, res, next);
        // As in Express 5: a step whose promise rejects has failed.
        if (r instanceof Promise) r.catch((e: unknown) => onError(e ?? new Error('rejected'), req, res));
      } catch (e) {
        onError(e, req, res);
      }
    };
    next();
  };
}
