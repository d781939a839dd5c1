import { randomUUID } from 'node:crypto';
import type { ApiResponse } from '../../devstack/api-client';
import { startStack, type Stack } from '../support/stack';

/**
 * Hostile and odd input on every identity route, through the gateway: always
 * a 4xx application/problem+json with a code, never a 5xx, never a partial write.
 */
describe('auth: bad input on every identity route', () => {
  let stack: Stack;
  let customer: { token: string; user: { id: string; email: string } };
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    customer = await stack.newCustomer('input');
  });
  afterAll(() => stack.close());

  const email = (prefix = 'u') => `${prefix}-${randomUUID().slice(0, 8)}@test.example`;
  const register = (body: unknown) => stack.api.call('POST', '/api/v1/auth/register', { body });
  const usersWithEmail = async (e: string) =>
    (await stack.pool.query('SELECT count(*)::int AS n FROM auth.users WHERE lower(email) = lower($1)', [e])).rows[0].n as number;

  const expectClientError = (res: ApiResponse, label: string) => {
    const got = { label, status: res.status, type: res.headers.get('content-type'), code: res.body?.code };
    expect(got).toEqual({ label, status: expect.any(Number), type: expect.stringContaining('application/problem+json'), code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/) });
    expect({ label, status: res.status >= 400 && res.status < 500 }).toEqual({ label, status: true });
  };
  const expectInvalid = (res: ApiResponse, field: string, message?: string | RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const messages = (res.body.errors as { field: string; message: string }[]).filter((e) => e.field === field).map((e) => e.message);
    expect(messages.length).toBeGreaterThan(0);
    if (message) expect(messages).toContainEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  };

  /** Every identity route taking a body, with a valid body to mutate. */
  const routes = () => {
    const appId = randomUUID();
    return [
      { method: 'POST', path: '/api/v1/auth/register', token: undefined, required: true, valid: { email: email(), password: 'Fine-password-7', name: 'Ana' } },
      { method: 'POST', path: '/api/v1/auth/login', token: undefined, required: true, valid: { email: email(), password: 'Fine-password-7' } },
      { method: 'POST', path: '/api/v1/auth/refresh', token: undefined, required: true, valid: { refreshToken: 'x'.repeat(43) } },
      { method: 'POST', path: '/api/v1/auth/logout', token: customer.token, required: true, valid: { refreshToken: 'x'.repeat(43) } },
      { method: 'POST', path: `/api/v1/users/${customer.user.id}/roles`, token: stack.admin.token, required: true, valid: { role: 'staff' } },
      { method: 'POST', path: '/api/v1/organizer-applications', token: customer.token, required: true, valid: { organizationName: 'Org', details: 'Details' } },
      { method: 'POST', path: `/api/v1/organizer-applications/${appId}/reject`, token: stack.admin.token, required: false, valid: { reason: 'No' } },
      { method: 'POST', path: `/api/v1/organizer-applications/${appId}/approve`, token: stack.admin.token, required: false, valid: {} },
    ];
  };

  it('missing fields, wrong types, nulls, arrays and extra fields are 400 naming the field', async () => {
    for (const r of routes()) {
      const keys = Object.keys(r.valid);
      // [label, body, the field the problem must name (undefined: the body as a whole)]
      const bodies: [string, unknown, string | undefined][] = [
        ['extra field', { ...r.valid, isAdmin: true }, 'body'],
        ['array body', [r.valid], 'body'],
        ['string body', 'hello', undefined],
        ['number body', 42, undefined],
      ];
      if (r.required) bodies.push(['missing fields', {}, `body.${keys[0]}`]);
      for (const k of r.required ? keys : []) {
        const { [k]: _dropped, ...rest } = r.valid as Record<string, unknown>;
        bodies.push([`missing ${k}`, rest, `body.${k}`]);
      }
      for (const k of keys) {
        for (const [what, bad] of [['number', 12345], ['array', ['a']], ['null', null], ['object', { a: 1 }], ['boolean', true]] as const) {
          bodies.push([`${k} as ${what}`, { ...r.valid, [k]: bad }, `body.${k}`]);
        }
      }
      for (const [label, body, field] of bodies) {
        const res = await stack.api.call(r.method, r.path, { token: r.token, body });
        const where = `${r.path} ${label}`;
        expectClientError(res, where);
        // A malformed body is 400; a valid one might still be 401/404 (unknown token, application).
        expect({ where, status: res.status }).toEqual({ where, status: 400 });
        if (field) expect({ where, fields: res.body.errors.map((e: { field: string }) => e.field) }).toEqual({ where, fields: expect.arrayContaining([field]) });
      }
    }
  });

  it('malformed JSON, no content type and odd content types are 4xx problems', async () => {
    for (const r of routes()) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (r.token) headers.authorization = `Bearer ${r.token}`;
      const send = (body: string, type = 'application/json') =>
        fetch(`${stack.api.baseUrl}${r.path}`, { method: r.method, headers: { ...headers, 'content-type': type }, body });
      for (const [label, res] of [
        ['broken json', await send('{"email": ')],
        ['json null', await send('null')],
        ['text/plain', await send(JSON.stringify(r.valid), 'text/plain')],
        ['form', await send('email=a%40b.c&password=x', 'application/x-www-form-urlencoded')],
        ['latin1 charset', await send(JSON.stringify(r.valid), 'application/json; charset=latin1')],
      ] as const) {
        const body = await res.json().catch(() => undefined);
        expectClientError({ status: res.status, headers: res.headers, body }, `${r.path} ${label}`);
      }
    }
  });

  it('a 2 MB body is 413, and creates nothing', async () => {
    const e = email('huge');
    const res = await register({ email: e, password: 'Fine-password-7', name: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await usersWithEmail(e)).toBe(0);
    // The service refuses it on its own too, should anything reach it past the gateway.
    const direct = await fetch(`${stack.urls.auth}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: e, password: 'Fine-password-7', name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(direct.status).toBe(413);
    expect(((await direct.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses Unicode, homoglyph, invisible and malformed emails, writing nothing', async () => {
    const suffix = randomUUID().slice(0, 8);
    const bad = [
      `ünïcødé-${suffix}@test.example`, // non-ASCII local part
      `\u0430dmin-${suffix}@test.example`, // Cyrillic а that looks like a Latin a
      `zero\u200bwidth-${suffix}@test.example`, // zero-width space
      `\uff41dmin-${suffix}@test.example`, // fullwidth a
      `rtl\u202e-${suffix}@test.example`, // right-to-left override
      `nul\u0000-${suffix}@test.example`,
      `admin-${suffix}@t\u0435st.example`, // homoglyph in the domain
      `two@@test.example`,
      `no-at-sign-${suffix}`,
      `${'a'.repeat(250)}@test.example`,
      '',
      '   ',
    ];
    for (const e of bad) {
      const res = await register({ email: e, password: 'Fine-password-7', name: 'Mallory' });
      expectInvalid(res, 'body.email');
      const login = await stack.api.call('POST', '/api/v1/auth/login', { body: { email: e, password: 'Fine-password-7' } });
      expectInvalid(login, 'body.email');
    }
    const { rows } = await stack.pool.query('SELECT email FROM auth.users WHERE email LIKE $1', [`%${suffix}%`]);
    expect(rows).toEqual([]);
  });

  it('stores emails trimmed and lowercased, and finds them however they are typed', async () => {
    const e = email('Case');
    const created = await stack.api.expect(201, 'POST', '/api/v1/auth/register', { body: { email: `  ${e.toUpperCase()}  `, password: 'Fine-password-7', name: 'Case' } });
    expect(created.email).toBe(e.toLowerCase());
    const dup = await register({ email: e.toLowerCase(), password: 'Fine-password-7', name: 'Again' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
    await stack.api.expect(200, 'POST', '/api/v1/auth/login', { body: { email: ` ${e.toUpperCase()}`, password: 'Fine-password-7' } });
  });

  it('accepts names with emoji, right-to-left scripts and combining marks, stored NFC', async () => {
    const names: [string, string][] = [
      ['Ana 🎟️ Silva', 'Ana 🎟️ Silva'],
      ['👩‍👩‍👧 Family', '👩‍👩‍👧 Family'], // zero-width joiners inside an emoji sequence
      ['مريم العلي', 'مريم العلي'],
      ['דוד לוי', 'דוד לוי'],
      ['Jose\u0301 Nun\u0303ez', 'Jos\u00e9 Nu\u00f1ez'], // combining accents, composed on the way in
      ['  Zoë  ', 'Zoë'],
      ['李小龍', '李小龍'],
    ];
    for (const [given, stored] of names) {
      const res = await register({ email: email('name'), password: 'Fine-password-7', name: given });
      expect({ given, status: res.status }).toEqual({ given, status: 201 });
      expect(res.body.name).toBe(stored);
      expect(res.body.name).toBe(res.body.name.normalize('NFC'));
    }
  });

  it('refuses names with control, bidi-override or only invisible characters, and overlong names', async () => {
    const cases: [string, RegExp][] = [
      ['Ana\u0000Silva', /control characters/],
      ['Ana\u0007', /control characters/],
      ['Ana\nSilva', /control characters/],
      ['Ana\u202eavliS', /bidirectional override/],
      ['\u200b\u200b', /invisible formatting|letter, digit or symbol/],
      ['Ana\u2063Silva', /invisible formatting/],
      ['\ud800Ana', /valid Unicode/],
      ['', /must not be empty/],
      ['   ', /must not be empty/],
      ['x'.repeat(121), /at most 120/],
    ];
    for (const [name, message] of cases) {
      const e = email('badname');
      const res = await register({ email: e, password: 'Fine-password-7', name });
      expectInvalid(res, 'body.name', message);
      expect(await usersWithEmail(e)).toBe(0);
    }
  });

  it('password policy: each failed rule is named', async () => {
    const e = email('pat.smith');
    const local = e.split('@')[0]!;
    const cases: [string, RegExp][] = [
      ['short1!', /at least 10 characters/],
      ['password123', /most common passwords/],
      ['Password2024!', /most common passwords/],
      ['qwertyuiop', /keyboard or alphabet run/],
      ['9876543210', /keyboard or alphabet run/],
      ['abcabcabcabc', /short pattern repeated/],
      ['aabbaabbaabb', /at least 5 different characters/],
      ['            ', /only of spaces/],
      [`My-${local}-pass`, /name part of your email/],
      ['Fine-pass\u0000word-7', /control characters/],
      ['Fine-pass\nword-7', /control characters/],
      ['x'.repeat(257) + 'abcdefg', /at most 256 characters/],
    ];
    for (const [password, message] of cases) {
      const res = await register({ email: e, password, name: 'Pat' });
      expectInvalid(res, 'body.password', message);
    }
    // Several broken rules are all reported at once.
    const many = await register({ email: e, password: 'aaaa', name: 'Pat' });
    const messages = many.body.errors.map((x: { message: string }) => x.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/at least 10/), expect.stringMatching(/different characters/)]));
    expect(many.body.detail).toContain('body.password');
    expect(await usersWithEmail(e)).toBe(0);
  });

  it('passwords may hold emoji and any script; composed and decomposed forms sign in alike; NUL never 5xx', async () => {
    const e = email('emoji');
    const password = 'Ångström 🎟️ 🔑 ключ';
    await stack.api.expect(201, 'POST', '/api/v1/auth/register', { body: { email: e, password, name: 'Emoji' } });
    await stack.api.expect(200, 'POST', '/api/v1/auth/login', { body: { email: e, password } });
    // Å written as A + combining ring, ö as o + diaeresis: the same password after normalisation.
    await stack.api.expect(200, 'POST', '/api/v1/auth/login', { body: { email: e, password: password.normalize('NFD') } });
    const nul = await stack.api.call('POST', '/api/v1/auth/login', { body: { email: e, password: `${password}\u0000` } });
    expect(nul.status).toBe(401);
    expect(nul.body.code).toBe('INVALID_CREDENTIALS');
    expect((await stack.api.call('POST', '/api/v1/auth/login', { body: { email: e, password: '🔑'.repeat(300) } })).status).toBe(401);
    expectInvalid(await stack.api.call('POST', '/api/v1/auth/login', { body: { email: e, password: 'x'.repeat(5000) } }), 'body.password', /too long/);
  });

  it('organizer applications refuse control characters and overlong text; details keep line breaks', async () => {
    const c = await stack.newCustomer('textual');
    const submit = (body: unknown) => stack.api.call('POST', '/api/v1/organizer-applications', { token: c.token, body });
    expectInvalid(await submit({ organizationName: 'Org\u0000', details: 'ok' }), 'body.organizationName', /control characters/);
    expectInvalid(await submit({ organizationName: 'Org', details: 'x'.repeat(4001) }), 'body.details', /at most 4000/);
    expectInvalid(await submit({ organizationName: 'Org\u202e', details: 'ok' }), 'body.organizationName', /bidirectional/);
    expectInvalid(await submit({ organizationName: ' ', details: 'ok' }), 'body.organizationName', /must not be empty/);
    const none = await stack.pool.query('SELECT count(*)::int AS n FROM auth.organizer_applications WHERE user_id = $1', [c.user.id]);
    expect(none.rows[0].n).toBe(0);
    const ok = await submit({ organizationName: 'Ça Va ✨ Events', details: 'Line one\r\nLine two\tTabbed' });
    expect(ok.status).toBe(201);
    expect(ok.body.details).toBe('Line one\r\nLine two\tTabbed');
  });

  it('bad query strings and path parameters are 400', async () => {
    const admin = stack.admin.token;
    for (const q of ['limit=abc', 'limit=0', 'limit=100000', 'status=weird', 'status=pending&status=approved', 'limit=1.5']) {
      expectInvalid(await stack.api.call('GET', `/api/v1/organizer-applications?${q}`, { token: admin }), `query.${q.split('=')[0]}`);
    }
    for (const q of ['actorId=not-a-uuid', 'subjectId=1', 'action=drop.table', 'before=-1', 'before=1e30', 'limit=x']) {
      expectInvalid(await stack.api.call('GET', `/api/v1/admin/audit-log?${q}`, { token: admin }), `query.${q.split('=')[0]}`);
    }
    // Unknown parameters are refused, not ignored (a typo would otherwise silently list everything).
    expectInvalid(await stack.api.call('GET', '/api/v1/organizer-applications?stauts=pending', { token: admin }), 'query', /Unrecognized key: "stauts"/);
    expectInvalid(await stack.api.call('GET', '/api/v1/admin/audit-log?actor=x', { token: admin }), 'query', /Unrecognized key: "actor"/);
    expectInvalid(await stack.api.call('POST', '/api/v1/users/not-a-uuid/roles', { token: admin, body: { role: 'staff' } }), 'path.id');
    expectInvalid(await stack.api.call('DELETE', `/api/v1/users/${customer.user.id}/roles/root`, { token: admin }), 'path.role');
    expectInvalid(await stack.api.call('POST', `/api/v1/users/${customer.user.id}/roles`, { token: admin, body: { role: 'ADMIN' } }), 'body.role');
  });
});
