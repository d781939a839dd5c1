import { hash, verify, Algorithm } from '@node-rs/argon2';

// argon2id at the OWASP minimum (19 MiB, 2 passes): memory-hard, ~30 ms here.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);

export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password);

/** Verified against when the email is unknown, so a login takes as long either way. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword('decoy-password-for-timing'));
