import { readFileSync } from 'node:fs';
import { README, withAccessTable } from '../../services/gateway/access-table';
import { openApiDocument } from '../../services/gateway/openapi';
import { ROUTES } from '../../services/gateway/routes';

describe('the OpenAPI document', () => {
  const doc = openApiDocument('http://localhost:8080');

  it('has every route of the route table, and nothing internal', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(documented.some((d) => d.includes('/internal'))).toBe(false);
  });

  it('documents request bodies from the schemas the services validate with', () => {
    const reserve = (doc.paths['/api/v1/reservations'] as any).post;
    const schema = reserve.requestBody.content['application/json'].schema;
    // Exactly one of seatIds and generalAdmission (checked by the schema's refinement): neither is required alone.
    expect(schema.required.sort()).toEqual(['sessionId']);
    expect(schema.properties.seatIds.items.format).toBe('uuid');
    expect(schema.properties.generalAdmission.properties.quantity).toMatchObject({ type: 'integer', minimum: 1, maximum: 10 });
    expect(reserve.security).toEqual([{ bearer: [] }]);
  });

  it('marks public routes as needing no token', () => {
    expect((doc.paths['/api/v1/sessions/{id}/seat-map'] as any).get.security).toBeUndefined();
  });
});

describe("the README's access table", () => {
  it('is the one generated from the route table (npm run docs:access)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(withAccessTable(readme));
  });
});
