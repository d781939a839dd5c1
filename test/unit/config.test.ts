import { loadConfig } from '../../services/shared/config';

describe('configuration', () => {
  const base = {
    PORT: '4002',
    AUTH_JWKS_URL: 'http://127.0.0.1:4001/.well-known/jwks.json',
    SERVICE_TOKEN: 's'.repeat(20),
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
    REDIS_URL: 'redis://127.0.0.1:6379',
    BOOKING_URL: 'http://127.0.0.1:4003',
    AUTH_URL: 'http://127.0.0.1:4001',
  };

  it('reads and types what a service needs, with defaults', () => {
    const cfg = loadConfig('catalog', base);
    expect(cfg.PORT).toBe(4002);
    expect(cfg.DATABASE_POOL_SIZE).toBe(10);
    expect(cfg.AUTH_JWKS_URL).toBe(base.AUTH_JWKS_URL);
    expect(cfg.OUTBOX_QUEUE).toBe('main');
  });

  it('restores escaped newlines in PEM keys from env files', () => {
    const cfg = loadConfig('auth', { ...base, JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----' });
    expect(cfg.JWT_PRIVATE_KEY).toContain('\nabc\n');
  });

  it("takes the gateway's upstreams as one URL or several replicas, comma-separated, and refuses a list with a bad one", () => {
    const gateway = { ...base, AUTH_URL: 'http://a:1', CATALOG_URL: 'http://c:2', CHECKIN_URL: 'http://k:3', BOOKING_URL: 'http://b:4, http://b:5' };
    const cfg = loadConfig('gateway', gateway);
    expect(cfg.BOOKING_URL).toEqual(['http://b:4', 'http://b:5']);
    expect(cfg.AUTH_URL).toEqual(['http://a:1']);
    expect(() => loadConfig('gateway', { ...gateway, BOOKING_URL: 'http://b:4,not a url' })).toThrow(/BOOKING_URL/);
    expect(() => loadConfig('gateway', { ...gateway, BOOKING_URL: ' , ' })).toThrow(/BOOKING_URL/);
  });

  it('names every missing or malformed variable', () => {
    expect(() => loadConfig('booking', { ...base, PORT: 'eighty' })).toThrow(/PORT[\s\S]*TICKET_KEYPAIR_SECRET/);
  });
});
