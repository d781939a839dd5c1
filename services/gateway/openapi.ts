import { z } from 'zod';
import { ROLES } from '../../contracts/auth';
import { ROUTES, type RouteSpec } from './routes';

const schema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });

const Problem = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'stable upper-snake error code, e.g. SEAT_UNAVAILABLE' },
  },
};

function operation(r: RouteSpec) {
  const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: m[1] === 'role' ? { type: 'string', enum: [...ROLES] } : { type: 'string', format: 'uuid' },
  }));
  const query = r.query
    ? Object.entries((schema(r.query, 'input') as { properties?: Record<string, unknown> }).properties ?? {}).map(
        ([name, s]) => ({ name, in: 'query', required: false, schema: s }),
      )
    : [];
  const headers = Object.entries(r.headers ?? {}).map(([name, description]) => ({
    name, in: 'header', required: false, description, schema: { type: 'string' },
  }));
  const access = r.access === 'public' ? 'anyone' : r.access === 'user' ? 'any signed-in user' : `roles: ${r.access.join(', ')}`;
  return {
    summary: r.summary,
    description: `Who may call: ${access}.`,
    tags: [r.tag],
    ...(r.access === 'public' ? {} : { security: [{ bearer: [] }] }),
    parameters: [...params, ...query, ...headers],
    ...(r.body ? { requestBody: { required: !r.bodyOptional, content: { 'application/json': { schema: schema(r.body, 'input') } } } } : {}),
    responses: {
      [r.ok.status]: {
        description: r.ok.description,
        content: { [r.ok.contentType ?? 'application/json']: { schema: r.ok.schema ? schema(r.ok.schema, 'output') : {} } },
      },
      ...Object.fromEntries(
        (r.errors ?? []).map((s) => [s, { description: 'problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }]),
      ),
    },
  };
}

/** The OpenAPI 3.1 document of the public API, generated from the route table. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ticketing API',
      version: '1.0.0',
      description: 'Seated events: hold seats for 10 minutes, pay, get QR tickets. Errors are application/problem+json.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem },
    },
    paths,
  };
}
