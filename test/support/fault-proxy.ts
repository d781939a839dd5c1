import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ServiceName } from '../../contracts/platform';
import { startStack, type StackOptions } from './stack';

/**
 * A TCP proxy in front of one service, for outage tests: point a caller's
 * URL at `url` (before the stack starts), name the real target once it is
 * known, and take the path down (connections refused, open ones cut) and
 * back up on the same port, as a crashed and restarted service would look.
 */
export async function startFaultProxy() {
  let target: { host: string; port: number } | undefined;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (!target) return void client.destroy();
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => done()));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    forwardTo(url: string): void {
      const u = new URL(url);
      target = { host: u.hostname, port: Number(u.port) };
    },
    /** Refuses new connections and cuts the open ones. */
    async down(): Promise<void> {
      const closed = new Promise((done) => server.close(done));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async up(): Promise<void> {
      await listen(port);
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((done) => server.close(done));
    },
  };
}
export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;

/**
 * A test stack whose `from` service reaches `to` through a fault proxy (its
 * `<TO>_URL` setting points at the proxy): `path.down()` is `to` unreachable
 * from `from` alone, as during an outage or a restart of `to`.
 */
export async function stackWithFaultyPath(from: ServiceName, to: ServiceName, o: StackOptions = {}) {
  const path = await startFaultProxy();
  const setting = `${to.toUpperCase().replace(/-/g, '_')}_URL`;
  const stack = await startStack({ ...o, env: { ...o.env, [from]: { ...o.env?.[from], [setting]: path.url } } });
  path.forwardTo(stack.urls[to]);
  return {
    stack,
    path,
    async close(): Promise<void> {
      await stack.close();
      await path.close();
    },
  };
}
