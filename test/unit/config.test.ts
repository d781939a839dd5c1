import { loadConfig } from '../../services/shared/config';

describe('configuration', () => {
  const base = {
    PORT: '4002',
    JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
    SERVICE_TOKEN: 's'.repeat(20),
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  };

  it('reads and types what a service needs, with defaults', () => {
    const cfg = loadConfig('catalog', base);
    expect(cfg.PORT).toBe(4002);
    expect(cfg.DATABASE_POOL_SIZE).toBe(10);
    expect(cfg.JWT_PUBLIC_KEY).toContain('\nabc\n'); // escaped newlines from env files are restored
  });

  it('names every missing or malformed variable', () => {
    expect(() => loadConfig('booking', { ...base, PORT: 'eighty' })).toThrow(/PORT[\s\S]*TICKET_SIGNING_KEY/);
  });
});
