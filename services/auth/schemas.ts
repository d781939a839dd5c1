import { z } from 'zod';
import { ROLES } from '../shared/auth';

export const Email = z
  .string()
  .trim()
  .max(254)
  .email('must be an email address')
  .transform((e) => e.toLowerCase());

export const RegisterBody = z.strictObject({
  email: Email,
  password: z.string().min(10, 'must be at least 10 characters').max(256),
  name: z.string().trim().min(1, 'must not be empty').max(120),
});

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
});

export const AssignRoleBody = z.strictObject({ role: z.enum(ROLES) });

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

export const LoginResult = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: UserView,
});
