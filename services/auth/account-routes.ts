import type { Express } from 'express';
import { currentUser } from '../shared/auth';
import { inTransaction } from '../shared/db';
import { conflict, HttpError, notFound } from '../shared/errors';
import { parse } from '../shared/validation';
import type { AuthDeps } from './deps';
import { requestContext } from './audit';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { LoginBody, LogoutBody, RefreshBody, RegisterBody } from '../../contracts/auth';
import { publicUser } from './users';

/** Register, sign in, rotate, sign out, and who am I. */
export function accountRoutes(app: Express, d: AuthDeps): void {
  app.post('/api/v1/auth/register', async (req, res) => {
    const body = parse(RegisterBody, req.body);
    // Hashing is slow: done before the transaction, so no connection waits on it.
    const passwordHash = await hashPassword(body.password);
    const ctx = requestContext(req);
    const user = await inTransaction(d.pool, async (c) => {
      const created = await d.users.insert(c, body.email, body.name, passwordHash);
      if (!created) throw conflict('EMAIL_TAKEN', 'an account with this email already exists');
      await d.audit.record(c, { action: 'user.registered', actorId: created.id, subjectId: created.id, ip: ctx.ip, details: { email: created.email } });
      return created;
    });
    res.status(201).json(publicUser(user));
  });

  app.post('/api/v1/auth/login', async (req, res) => {
    const body = parse(LoginBody, req.body);
    const ctx = requestContext(req);
    const user = await d.users.byEmail(body.email);
    // An unknown email still costs one verification, so timing does not tell which emails exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), body.password);
    if (!user || !ok) {
      await d.audit.record(d.pool, {
        action: 'login.failed',
        subjectId: user?.id ?? null,
        ip: ctx.ip,
        details: { email: body.email, reason: user ? 'wrong_password' : 'unknown_email' },
      });
      throw new HttpError(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
    }
    res.json(await d.sessions.signIn(user, ctx));
  });

  app.post('/api/v1/auth/refresh', async (req, res) => {
    const { refreshToken } = parse(RefreshBody, req.body);
    res.json(await d.sessions.refresh(refreshToken, requestContext(req)));
  });

  app.post('/api/v1/auth/logout', async (req, res) => {
    const me = currentUser(req);
    const { refreshToken } = parse(LogoutBody, req.body);
    await d.sessions.logout(refreshToken, { ...requestContext(req), actorId: me.userId });
    res.status(204).end();
  });

  app.get('/api/v1/auth/me', async (req, res) => {
    const user = await d.users.byId(currentUser(req).userId);
    if (!user) throw notFound('user');
    res.json(publicUser(user));
  });
}
