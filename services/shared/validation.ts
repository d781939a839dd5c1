import { z } from 'zod';
import { badRequest } from './errors';

/** Parses input against a schema; a mismatch is a 400 that names every bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    field: [where, ...i.path].join('.'),
    message: i.message,
  }));
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  throw badRequest(`invalid ${where}: ${summary}`, { errors });
}

export const uuid = z.uuid();
