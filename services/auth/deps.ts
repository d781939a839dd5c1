import type { Pool } from 'pg';
import type { VerifyToken } from '../shared/auth';
import type { Logger } from '../shared/logger';
import type { ApplicationStore } from './applications';
import type { AuditLog } from './audit';
import type { Sessions } from './sessions';
import type { TokenIssuer } from './tokens';
import type { UserStore } from './users';

/** What the identity service's routes are built from (services/auth/service.ts wires them). */
export interface AuthDeps {
  pool: Pool;
  users: UserStore;
  sessions: Sessions;
  applications: ApplicationStore;
  audit: AuditLog;
  tokens: TokenIssuer;
  verifyToken: VerifyToken;
  serviceToken: string;
  logger: Logger;
}
