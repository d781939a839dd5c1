import type { Express } from 'express';
import type { Pool } from 'pg';
import { authenticate, currentUser, requireRole, type VerifyToken } from '../shared/auth';
import { conflict, HttpError, notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse, uuid } from '../shared/validation';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { AssignRoleBody, LoginBody, RegisterBody } from './schemas';
import type { TokenIssuer } from './tokens';
import { publicUser, type UserStore } from './users';

export interface AuthDeps {
  pool: Pool;
  users: UserStore;
  tokens: TokenIssuer;
  verifyToken: VerifyToken;
  logger: Logger;
}

export function createAuthApp(d: AuthDeps): Express {
  const { app } = createServiceApp({ name: 'auth', logger: d.logger, ready: async () => void (await d.pool.query('SELECT 1')) });
  app.use(authenticate(d.verifyToken));

  app.post('/api/v1/auth/register', async (req, res) => {
    const body = parse(RegisterBody, req.body);
    const user = await d.users.insert(body.email, body.name, await hashPassword(body.password));
    if (!user) throw conflict('EMAIL_TAKEN', 'an account with this email already exists');
    res.status(201).json(publicUser(user));
  });

  app.post('/api/v1/auth/login', async (req, res) => {
    const body = parse(LoginBody, req.body);
    const user = await d.users.byEmail(body.email);
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), body.password);
    if (!user || !ok) throw new HttpError(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
    res.json({
      accessToken: d.tokens.issueAccessToken(user),
      tokenType: 'Bearer',
      expiresIn: d.tokens.accessTtlSeconds,
      user: publicUser(user),
    });
  });

  app.get('/api/v1/auth/me', async (req, res) => {
    const user = await d.users.byId(currentUser(req).userId);
    if (!user) throw notFound('user');
    res.json(publicUser(user));
  });

  app.post('/api/v1/users/:id/roles', requireRole('admin'), async (req, res) => {
    const id = parse(uuid, req.params.id, 'path.id');
    const { role } = parse(AssignRoleBody, req.body);
    const user = await d.users.addRole(id, role);
    if (!user) throw notFound('user');
    d.logger.info({ by: currentUser(req).userId, user: id, role }, 'role assigned');
    res.json(publicUser(user));
  });

  return finishApp(app, d.logger);
}
