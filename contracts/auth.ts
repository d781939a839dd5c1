import { z } from 'zod';
import { PASSWORD_CONTAINS_EMAIL, PASSWORD_RULES, passwordContainsEmailName } from './password-policy';

/**
 * The auth service's contract: the schemas it validates with, which the
 * gateway's route table (and so the OpenAPI document) uses too. Bodies are strict: an
 * unknown field is a 400, not silently dropped.
 */

// ---- text ------------------------------------------------------------------

/** Invisible format characters a name legitimately needs: ZWNJ, ZWJ (emoji sequences), LRM, RLM, ALM, emoji tag characters. */
const ALLOWED_FORMAT = /[\u200c\u200d\u200e\u200f\u061c\u{e0020}-\u{e007f}]/gu;
/** Bidi embeddings, overrides and isolates: reorder what is displayed, so text reads differently from what it is. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * Human-entered text (names, organisation names, details): NFC so "é" typed
 * either way is one string, trimmed, and free of what only ever serves to
 * hide or spoof: control characters, bidi overrides (the "Trojan Source"
 * trick), other invisible formatting, unpaired surrogates.
 */
function humanText(o: { max: number; multiline?: boolean }) {
  const allowedControl = o.multiline ? /[\n\r\t]/g : /(?!)/g;
  return z
    .string()
    .normalize('NFC')
    .trim()
    .min(1, 'must not be empty')
    .max(o.max, `must be at most ${o.max} characters`)
    .refine((s) => !CONTROL.test(s.replace(allowedControl, '')), {
      message: o.multiline
        ? 'must not contain control characters other than line breaks and tabs'
        : 'must not contain control characters (such as NUL, tabs or line breaks)',
    })
    .refine((s) => s === s.replace(BIDI_CONTROLS, ''), { message: 'must not contain bidirectional override characters' })
    // Bidi controls are format characters too; removed here so they are reported once, by the rule above.
    .refine((s) => !/\p{Cf}/u.test(s.replace(ALLOWED_FORMAT, '').replace(BIDI_CONTROLS, '')), {
      message: 'must not contain invisible formatting characters (such as zero-width spaces)',
    })
    .refine((s) => !/\p{Cs}/u.test(s), { message: 'must be valid Unicode text (no unpaired surrogates)' })
    .refine((s) => s.length === 0 || /[\p{L}\p{N}\p{S}]/u.test(s), { message: 'must contain at least one letter, digit or symbol' });
}

export const Name = humanText({ max: 120 }).describe('1–120 characters, any script and emoji; no control or invisible formatting characters');

// ---- email -----------------------------------------------------------------

/** Trim, NFC and lowercase: the one form an email is stored and compared in. */
export const normalizeEmail = (email: string) => email.trim().normalize('NFC').toLowerCase();

/**
 * ASCII only: Unicode local parts are rare and are where homoglyph look-alikes
 * ("аdmin" with a Cyrillic а) and invisible characters hide; an
 * internationalised domain is written in its xn-- form.
 */
export const Email = z
  .string()
  .trim()
  .normalize('NFC')
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .refine((e) => /^[\x21-\x7e]*$/.test(e), {
    message: 'must contain only ASCII letters, digits and symbols (write an internationalised domain in its xn-- form)',
  })
  .email('must be an email address')
  .describe('an ASCII email address; stored trimmed and lowercased');

// ---- passwords -------------------------------------------------------------

/** A new password: NFKC-normalised (as the login form is), then every rule of the policy. */
export const NewPassword = PASSWORD_RULES.reduce(
  (s, rule) => s.refine(rule.ok, { message: rule.message }),
  // The hard cap keeps a 60 kB "password" from being normalised and hashed; the policy's own maximum is below it.
  z.string().max(4096, { message: 'must be at most 256 characters long', abort: true }).normalize('NFKC'),
).describe(
  '10–256 characters, any Unicode (compared in NFKC form); at least 5 different characters; not a common password, ' +
    'keyboard or alphabet run, or short repeated pattern; no control characters; must not contain the name part of the email',
);

// ---- identity --------------------------------------------------------------

export const RegisterBody = z
  .strictObject({ email: Email, password: NewPassword, name: Name })
  .superRefine((v, ctx) => {
    // Runs even when other fields failed; only meaningful with both as strings.
    if (typeof v.password === 'string' && typeof v.email === 'string' && passwordContainsEmailName(v.password, v.email)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: PASSWORD_CONTAINS_EMAIL });
    }
  });

export const LoginBody = z.strictObject({
  email: Email,
  // No policy here: a password set under older rules must still sign in. Only a cap against huge inputs.
  password: z.string().min(1, 'must not be empty').max(4096, 'is too long').normalize('NFKC'),
});

/** Opaque; any string that is not a live token is a 401, not a 400. */
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1, 'must not be empty').max(512) });
export const LogoutBody = RefreshBody;

export const ROLES = ['customer', 'organizer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const Role = z.enum(ROLES);
export const AssignRoleBody = z.strictObject({ role: Role });

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  roles: z.array(Role),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

/** What login and refresh answer. */
export const TokenPair = z.object({
  accessToken: z.string().describe('ES256 JWT; send as "Authorization: Bearer <accessToken>"'),
  refreshToken: z.string().describe('opaque; works once: POST /api/v1/auth/refresh answers a new pair'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds the access token lives'),
  user: UserView,
});

export const Jwks = z.object({
  keys: z.array(z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), y: z.string().optional(), kid: z.string(), alg: z.string(), use: z.string() })),
});

// ---- organizer applications ------------------------------------------------

export const APPLICATION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const SubmitApplicationBody = z.strictObject({
  organizationName: humanText({ max: 200 }),
  details: humanText({ max: 4000, multiline: true }),
});

export const RejectApplicationBody = z.strictObject({ reason: humanText({ max: 1000, multiline: true }).optional() });

/** Approval takes no input; a body, if sent, must be empty. */
export const ApproveApplicationBody = z.strictObject({});

const limit = (max: number, fallback: number) =>
  z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback);

export const ListApplicationsQuery = z.strictObject({
  status: z.enum(APPLICATION_STATUSES).optional(),
  limit: limit(200, 50),
});

export const ApplicationView = z.object({
  id: z.uuid(),
  status: z.enum(APPLICATION_STATUSES),
  organizationName: z.string(),
  details: z.string(),
  applicant: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.uuid().nullable(),
  reason: z.string().nullable(),
});
export type ApplicationView = z.infer<typeof ApplicationView>;
export const ApplicationList = z.object({ items: z.array(ApplicationView) });

// ---- audit log -------------------------------------------------------------

export const AUDIT_ACTIONS = [
  'user.registered',
  'login.succeeded',
  'login.failed',
  'token.refreshed',
  'refresh.reuse_detected',
  'logout',
  'role.granted',
  'role.revoked',
  'application.submitted',
  'application.approved',
  'application.rejected',
  'admin.bootstrapped',
  'operator.bootstrapped',
  // What organizers (and admins acting for them) do in the other services, appended through auth's internal route.
  'venue.created',
  'hall.created',
  'hall.updated',
  'event.created',
  'event.updated',
  'event.published',
  'event.cancelled',
  'session.created',
  'waiting_room.changed',
  /** By the system, on behalf of the organizer who cancelled the event (the actor). */
  'booking.refunded',
  'checkin_kit.issued',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditLogQuery = z.strictObject({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: z.uuid().optional(),
  subjectId: z.uuid().optional(),
  limit: limit(500, 50),
  /** Keyset pagination: entries with an id below this one (pass the previous page's nextBefore). */
  before: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
});

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.uuid().nullable(),
  action: z.string(),
  subjectId: z.uuid().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditLogPage = z.object({ items: z.array(AuditEntry), nextBefore: z.number().int().nullable() });

// ---- internal (service to service) ------------------------------------------

/**
 * POST /internal/audit-log: an entry another service appends (through its
 * outbox, so it may arrive late and more than once). `id` is the entry's own:
 * a repeated delivery is recorded once; `at` is when the action happened.
 */
export const AuditAppendBody = z.strictObject({
  id: z.uuid(),
  at: z.iso.datetime(),
  action: z.enum(AUDIT_ACTIONS),
  actorId: z.uuid().nullable(),
  subjectId: z.uuid().nullable(),
  ip: z.string().max(64).nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditAppend = z.infer<typeof AuditAppendBody>;

/** GET /internal/users/:id: where and how to address a user. */
export interface UserContact {
  id: string;
  email: string;
  name: string;
}

/** GET /internal/stats */
export interface AuthStats {
  users: number;
}
