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

  it('names every missing or malformed variable', () => {
    expect(() => loadConfig('booking', { ...base, PORT: 'eighty' })).toThrow(/PORT[\s\S]*TICKET_KEYPAIR_SECRET/);
  });
});
