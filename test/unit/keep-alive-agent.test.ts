import http from 'node:http';
import express from 'express';
import { listen, SERVER_KEEP_ALIVE_MS, keepAliveAgent } from '../../services/shared/http';

const get = (agent: http.Agent, port: number) =>
  new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', () => resolve(res))).on('error', reject);
  });

// A keep-alive socket must be closed by the caller before the service closes
// it: otherwise a request may be sent on a socket being closed (ECONNRESET).
describe('upstream keep-alive pool', () => {
  it('reuses a socket while it is fresh and closes it itself once idle, while the service would keep it', async () => {
    const server = await listen(
      express().get('/', (_req, res) => {
        res.send('ok');
      }),
      0,
      '127.0.0.1',
    );
    const agent = keepAliveAgent({ idleMs: 150 });
    let connections = 0;
    server.server.on('connection', () => connections++);
    try {
      await get(agent, server.port);
      await get(agent, server.port);
      expect(connections).toBe(1); // kept alive and reused
      const free = () => Object.values(agent.freeSockets).flat().length;
      expect(free()).toBe(1);
      await new Promise((r) => setTimeout(r, 400));
      expect(free()).toBe(0); // closed by the pool, long before SERVER_KEEP_ALIVE_MS
      expect(SERVER_KEEP_ALIVE_MS).toBeGreaterThan(60_000);
      await get(agent, server.port);
      expect(connections).toBe(2);
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('arms no timer on a socket while it carries a request (a busy socket re-arms it on every read and write)', async () => {
    let inFlight: number | undefined;
    const agent = keepAliveAgent({ idleMs: 5_000 });
    const server = await listen(
      express().get('/', (_req, res) => {
        res.send('ok');
      }),
      0,
      '127.0.0.1',
    );
    try {
      await get(agent, server.port);
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/', agent });
      req.on('socket', (s) => setImmediate(() => (inFlight = s.timeout)));
      await new Promise<void>((resolve, reject) => req.on('response', (res) => res.resume().on('end', resolve)).on('error', reject));
      expect(inFlight).toBe(0);
      const [idle] = Object.values(agent.freeSockets).flat();
      expect(idle?.timeout).toBe(5_000);
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('does not cut a request that takes longer than the idle time', async () => {
    const server = await listen(
      express().get('/', (_req, res) => {
        setTimeout(() => res.send('slow'), 300);
      }),
      0,
      '127.0.0.1',
    );
    const agent = keepAliveAgent({ idleMs: 100 });
    try {
      expect((await get(agent, server.port)).statusCode).toBe(200);
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
