import { RegisterBody } from '../../contracts/auth';
import { DEMO_ADMIN } from '../../contracts/platform';
import { DEMO_ACCOUNTS } from '../../devstack/seed';

// `npm run up` registers these; a policy change that refuses them would break the demo.
describe('demo accounts', () => {
  it.each([...Object.values(DEMO_ACCOUNTS), { ...DEMO_ADMIN, name: 'Administrator' }])('$email passes registration rules', (account) => {
    const result = RegisterBody.safeParse(account);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('refuses a password containing the email name (the rule the first demo passwords broke)', () => {
    expect(RegisterBody.safeParse({ email: 'customer@demo.test', password: 'Customer-demo-2026!', name: 'x' }).success).toBe(false);
  });
});
