/**
 * The password policy, after NIST SP 800-63B: length over composition (no
 * "one upper, one digit, one symbol" rules), any Unicode allowed, and a
 * refusal of passwords that are guessed first: very common ones, keyboard and
 * alphabet runs, short repeated patterns, and the user's own email name.
 * Every rule has a message that names it, so a refusal says what to change.
 * Passwords are checked (and hashed) in their NFKC form, so the same password
 * typed on two keyboards that compose characters differently still matches.
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_MIN_DISTINCT = 5;

/** Counted in code points (an emoji is one character), as NIST asks. */
export const codePoints = (s: string) => [...s].length;

/** Whole passwords from breach lists that also pass the length rule. */
const COMMON = new Set([
  'password123', 'password1234', 'password12345', 'password1!', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123',
  '1234567890', '12345678910', '0123456789', '9876543210', '1111111111', '0000000000', '123123123123',
  'qwertyuiop', 'qwerty1234', 'qwerty12345', 'qwerty123456', '1q2w3e4r5t', '1qaz2wsx3edc', 'zaq12wsxcde',
  'asdfghjkl1', 'iloveyou123', 'iloveyou12', 'letmein123', 'welcome123', 'welcome1234', 'administrator',
  'admin12345', 'football123', 'baseball123', 'sunshine123', 'princess123', 'superman123', 'starwars123',
  'changeme123', 'trustno1234', 'computer123', 'whatever123', 'michael123', 'abc1234567', 'abcd123456',
  'abcdefg123', 'monkey12345', 'dragon12345', 'master12345', 'myspace123', 'passwordpassword', 'ticket1234',
  'tickets1234',
]);

/** Words that, padded with digits or symbols ("Password2024!"), are still the first guesses. */
const COMMON_WORDS = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'letmein', 'welcome', 'admin', 'administrator',
  'iloveyou', 'football', 'baseball', 'sunshine', 'princess', 'superman', 'starwars', 'dragon', 'monkey',
  'master', 'shadow', 'trustno', 'changeme', 'secret', 'ticket', 'tickets', 'ticketing', 'login',
]);

/** Keyboard rows and runs; a password that is a stretch of one (either way) is refused. */
const SEQUENCES = [
  '0123456789012345678901234567890',
  'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
  '1q2w3e4r5t6y7u8i9o0p',
  'qwertzuiop',
  'azertyuiop',
];
const reversed = (s: string) => [...s].reverse().join('');

function isSequence(lower: string): boolean {
  return SEQUENCES.some((seq) => seq.includes(lower) || seq.includes(reversed(lower)));
}

/** "abcabcabca", "1234512345", "aaaaaaaaaa": a block of up to 5 characters repeated. */
function isShortPatternRepeated(s: string): boolean {
  const chars = [...s];
  for (let period = 1; period <= 5 && period * 2 <= chars.length; period++) {
    if (chars.every((c, i) => i < period || c === chars[i - period])) return true;
  }
  return false;
}

function isCommon(lower: string): boolean {
  if (COMMON.has(lower)) return true;
  // Strip the digits and symbols people pad a word with on either side.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  return COMMON_WORDS.has(core);
}

/** The parts of an email's local part a password must not contain: "ann.lee+x" → "ann.lee+x", "ann.lee". */
export function emailNames(email: string): string[] {
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  const names = new Set([local, local.split('+')[0] ?? '']);
  // Very short names ("al") would refuse too many good passwords.
  return [...names].filter((n) => codePoints(n) >= 3);
}

export interface PasswordRule {
  message: string;
  ok: (password: string) => boolean;
}

/** Rules that need only the password. Each fails on its own, so every broken rule is reported. */
export const PASSWORD_RULES: readonly PasswordRule[] = [
  {
    message: `must be at least ${PASSWORD_MIN_LENGTH} characters long`,
    ok: (p) => codePoints(p) >= PASSWORD_MIN_LENGTH,
  },
  {
    message: `must be at most ${PASSWORD_MAX_LENGTH} characters long`,
    ok: (p) => codePoints(p) <= PASSWORD_MAX_LENGTH,
  },
  { message: 'must not consist only of spaces', ok: (p) => p.length === 0 || /\S/u.test(p) },
  {
    // NUL and friends break storage and terminals and are never typed on purpose.
    message: 'must not contain control characters (such as NUL, tabs or line breaks)',
    ok: (p) => !/[\p{Cc}\u2028\u2029]/u.test(p),
  },
  { message: 'must be valid Unicode text (no unpaired surrogates)', ok: (p) => !/\p{Cs}/u.test(p) },
  {
    message: `must contain at least ${PASSWORD_MIN_DISTINCT} different characters`,
    ok: (p) => new Set(p).size >= PASSWORD_MIN_DISTINCT,
  },
  { message: 'must not be a short pattern repeated (like "abcabcabc")', ok: (p) => !isShortPatternRepeated(p) },
  { message: 'must not be a keyboard or alphabet run (like "qwertyuiop" or "1234567890")', ok: (p) => !isSequence(p.toLowerCase()) },
  { message: 'is one of the most common passwords; choose a less predictable one', ok: (p) => !isCommon(p.toLowerCase()) },
];

export const PASSWORD_CONTAINS_EMAIL = 'must not contain the name part of your email address';

export function passwordContainsEmailName(password: string, email: string): boolean {
  const lower = password.toLowerCase();
  return emailNames(email).some((n) => lower.includes(n));
}
