import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { webApp } from '../../services/gateway/web-app';
import { createLogger } from '../../services/shared/logger';

/** The gateway's static serving of the built web app (services/gateway/web-app.ts), on a made-up build. */
describe('gateway: the web app at /', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-app-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
  const app = express();
  app.use(webApp(dir, createLogger('test', 'silent')));
  app.use((_req, res) => void res.status(404).json({ code: 'NOT_FOUND' }));

  it('serves hashed assets as immutable for a year, gzipped for browsers that accept it', async () => {
    const res = await request(app).get('/assets/index-abc123.js').set('accept-encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(Number(res.headers['content-length'])).toBeLessThan(500);
    expect(res.text).toContain('console.log');
    const plain = await request(app).get('/assets/index-abc123.js').set('accept-encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers index.html with no-cache at / and at any app path, so every route can be reloaded', async () => {
    for (const p of ['/', '/events/42', '/organizer/events/1/sales']) {
      const res = await request(app).get(p);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<title>app</title>');
    }
    expect((await request(app).get('/favicon.svg')).headers['cache-control']).toBe('no-cache');
  });

  it('leaves the API, docs, health and metrics paths alone, and a missing asset is a 404', async () => {
    for (const p of ['/api/v1/nothing', '/internal/sessions/x/holds', '/webhooks/payments', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics', '/.well-known/jwks.json']) {
      const res = await request(app).get(p);
      expect([p, res.status, res.body.code]).toEqual([p, 404, 'NOT_FOUND']);
    }
    expect((await request(app).get('/assets/missing-000.js')).status).toBe(404);
    const escape = await request(app).get('/assets/..%2findex.html');
    expect([403, 404]).toContain(escape.status);
    expect(escape.text).not.toContain('<title>app</title>');
  });

  it('serves nothing when no app was built (the API alone, as before)', async () => {
    const bare = express();
    bare.use(webApp(path.join(dir, 'nowhere'), createLogger('test', 'silent')));
    bare.use((_req, res) => void res.status(404).end());
    expect((await request(bare).get('/')).status).toBe(404);
  });
});
