import { randomUUID } from 'node:crypto';
import { signIn } from '../../devstack/api-client';
import { startStack, type Stack } from '../support/stack';

// Accounts named by configuration: the operator's organizer account exists once auth starts.
describe('bootstrap accounts', () => {
  const email = `operator-${randomUUID().slice(0, 8)}@test.example`;
  const password = 'Operator-pass-2026';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { auth: { BOOTSTRAP_OPERATOR_EMAIL: email, BOOTSTRAP_OPERATOR_PASSWORD: password } } });
  });
  afterAll(() => stack.close());

  it('creates the operator account as an organizer that can sign in and manage the catalog', async () => {
    const operator = await signIn(stack.api, email, password);
    expect(operator.user.roles).toEqual(['organizer']);
    await stack.api.expect(201, 'POST', '/api/v1/venues', { token: operator.token, body: { name: 'Arena', city: 'Lisbon', address: '1 Main Street' } });
    const audit = await stack.api.expect(200, 'GET', '/api/v1/admin/audit-log?action=operator.bootstrapped', { token: stack.admin.token });
    expect(audit.items.some((e: { subjectId: string }) => e.subjectId === operator.user.id)).toBe(true);
  });
});
