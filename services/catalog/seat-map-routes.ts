import type { Express, Request, Response } from 'express';
import { LayoutQuery, LiveSeatMapQuery } from '../../contracts/catalog';
import { notFound } from '../shared/errors';
import { parse, uuid } from '../shared/validation';
import type { LiveSeatMap } from './live-seat-map';
import type { SeatMaps, Served } from './seat-map';

const id = (req: Request) => parse(uuid, req.params.id, 'path.id');

/** A year: a versioned layout never changes, so browsers and CDNs keep it as long as they like. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Fresh on every read, but a 304 while it is unchanged. */
const REVALIDATE = 'public, no-cache';

/** 304 when the client has these bytes already; otherwise the bytes, in the smallest encoding it takes that exists. */
function send(req: Request, res: Response, served: Served, encodings: { br?: Buffer; gzip?: () => Buffer } = {}): void {
  res.set('ETag', served.etag).vary('Accept-Encoding').type('application/json');
  if (req.fresh) return void res.status(304).end();
  const wanted = req.acceptsEncodings([...(encodings.br ? ['br'] : []), ...(encodings.gzip ? ['gzip'] : []), 'identity']);
  if (wanted === 'br' && encodings.br) return void res.set('Content-Encoding', 'br').send(encodings.br);
  if (wanted === 'gzip' && encodings.gzip) return void res.set('Content-Encoding', 'gzip').send(encodings.gzip());
  res.send(served.body);
}

/**
 * A session's seat map, in two parts as ticketing front ends ship it: the
 * layout (immutable per version, precompressed) and the availability (a
 * bitmap of a few KB, 304 while unchanged), kept current by the live stream.
 * The whole JSON seat map stays, served from the same snapshot.
 */
export function seatMapRoutes(app: Express, d: { seatMaps: SeatMaps; liveSeatMap: LiveSeatMap }): void {
  app.get('/api/v1/sessions/:id/layout', async (req, res) => {
    const { version } = parse(LayoutQuery, req.query, 'query');
    const layout = await d.seatMaps.layout(id(req));
    if (!layout) throw notFound('session');
    if (version !== undefined && version !== layout.version) throw notFound('layout version (the layout changed: read the availability for the current one)');
    res.set('Cache-Control', version ? IMMUTABLE : REVALIDATE);
    send(req, res, layout, { br: layout.brotli, gzip: () => layout.gzip });
  });

  app.get('/api/v1/sessions/:id/availability', async (req, res) => {
    const snapshot = await d.seatMaps.snapshot(id(req));
    if (!snapshot) throw notFound('session');
    res.set('Cache-Control', REVALIDATE);
    send(req, res, snapshot.availability);
  });

  app.get('/api/v1/sessions/:id/seat-map', async (req, res) => {
    const snapshot = await d.seatMaps.snapshot(id(req));
    if (!snapshot) throw notFound('session');
    const map = snapshot.map();
    send(req, res, map, { gzip: map.gzipped });
  });

  app.get('/api/v1/sessions/:id/seat-map/live', async (req, res) => {
    const { format } = parse(LiveSeatMapQuery, req.query, 'query');
    if (!(await d.liveSeatMap(id(req), req, res, format))) throw notFound('session');
  });
}
