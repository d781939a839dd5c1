import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express, { type RequestHandler } from 'express';
import type { Logger } from '../shared/logger';

/** Paths of the API, the gateway's own pages, and the services' private routes (never routed, 404 here too): never the web app's. */
const NOT_THE_APP = /^\/(api|internal|webhooks|docs|openapi\.json|healthz|readyz|metrics|\.well-known)(\/|$)/;
/** A hashed file name never changes content: browsers and CDNs may keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const COMPRESSIBLE: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The built web app (web/, built by `npm run build` into WEB_APP_DIR,
 * dist/web by default) at `/`: hashed files under /assets/ with a year's
 * immutable caching, gzipped when the browser accepts it; every other GET
 * that is not the API's answers index.html with `no-cache` (the app routes
 * by the URL's path, so /events/42 must load the app too, and a new
 * deployment's index.html must be seen at once). Without a built app the
 * gateway serves the API alone, as before.
 */
export function webApp(dir: string, logger: Logger): RequestHandler {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    logger.warn({ dir: root }, 'no built web app (run npm run build): / is not served');
    return (_req, _res, next) => next();
  }
  const assets = path.join(root, 'assets');
  const router = express.Router();
  router.use('/assets', gzippedAssets(assets), express.static(assets, { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(express.static(root, { index: false, cacheControl: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }));
  router.get(/.*/, (req, res, next) => {
    if (NOT_THE_APP.test(req.path)) return next();
    res.sendFile(index, { cacheControl: false, headers: { 'Cache-Control': 'no-cache' } });
  });
  return router;
}

/**
 * Hashed assets gzipped once each and kept in memory (their content never
 * changes under a name): the first page's JavaScript crosses the network at
 * about a third of its size. Misses are not remembered, so unknown names
 * cannot grow the cache.
 */
function gzippedAssets(dir: string): RequestHandler {
  const cache = new Map<string, Buffer>();
  return (req, res, next) => {
    const type = COMPRESSIBLE[path.extname(req.path)];
    if (!type || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const file = path.join(dir, path.normalize(req.path));
    if (!file.startsWith(dir + path.sep)) return next();
    let body = cache.get(file);
    if (!body) {
      if (!fs.existsSync(file)) return next();
      body = gzipSync(fs.readFileSync(file), { level: 9 });
      cache.set(file, body);
    }
    res.set({ 'Content-Type': type, 'Content-Encoding': 'gzip', 'Content-Length': String(body.length), 'Cache-Control': IMMUTABLE, Vary: 'Accept-Encoding' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
