import crypto from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Passwords hashed with argon2id through Node's own `crypto.argon2` (RFC 9106), stored as a PHC
 * string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. Parameters: 64 MiB, 3 passes, 1 lane — about 0.2 s
 * on a two-core server, inside the 100–500 ms a sign-in may spend hashing.
 */
const argon2 = promisify(crypto.argon2);

export interface Argon2Parameters {
  memory: number;
  passes: number;
  parallelism: number;
}

export const defaultArgon2: Argon2Parameters = { memory: 65536, passes: 3, parallelism: 1 };

const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

export async function hashPassword(
  password: string,
  parameters: Argon2Parameters = defaultArgon2,
): Promise<string> {
  const nonce = crypto.randomBytes(16);
  const tag = await argon2('argon2id', {
    message: password,
    nonce,
    parallelism: parameters.parallelism,
    tagLength: 32,
    memory: parameters.memory,
    passes: parameters.passes,
  });
  return `$argon2id$v=19$m=${parameters.memory},t=${parameters.passes},p=${parameters.parallelism}$${b64(nonce)}$${b64(tag)}`;
}

const phcPattern = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` matches the stored hash (compared in constant time). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = phcPattern.exec(stored);
  if (!match) return false;
  const expected = Buffer.from(match[5], 'base64');
  const tag = await argon2('argon2id', {
    message: password,
    nonce: Buffer.from(match[4], 'base64'),
    memory: Number(match[1]),
    passes: Number(match[2]),
    parallelism: Number(match[3]),
    tagLength: expected.length,
  });
  return tag.length === expected.length && crypto.timingSafeEqual(tag, expected);
}

/** A hash of a random password, compared against when the account does not exist, so timing says nothing. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(crypto.randomBytes(24).toString('base64'));
  return decoyHash;
}

/**
 * Common passwords refused outright (the NCSC's advice: a deny list rather than composition rules).
 * Lower-cased; a password is refused when, lower-cased and stripped of trailing digits and
 * punctuation, it is on the list or is the list entry with digits appended.
 */
const commonPasswords = new Set(
  `password passw0rd p@ssword p@ssw0rd qwerty qwertyuiop qwerty123 azerty letmein welcome welcome1
  admin administrator changeme iloveyou monkey dragon football baseball sunshine princess master shadow
  superman batman trustno1 abc123 abcdef abcdefgh 123456 1234567 12345678 123456789 1234567890 111111
  000000 123123 654321 987654321 qazwsx zxcvbnm asdfgh asdfghjkl 1q2w3e4r 1qaz2wsx password1 password123
  secret hello hello123 freedom whatever computer internet nhs nhsnhs nhspassword hospital doctor nurse
  summer winter spring autumn london england chelsea arsenal liverpool manchester tottenham
  january february march april may june july august september october november december
  monday tuesday wednesday thursday friday saturday sunday
  correcthorsebatterystaple letmeinplease pleaseletmein opensesame starwars pokemon minecraft
  michael jennifer jessica charlie thomas daniel matthew andrew joshua george oliver harry jack
  tend tendtend tendpassword changemenow temporary temp1234 default guest`
    .split(/\s+/)
    .filter(Boolean),
);

export const passwordRules = { minLength: 12, maxLength: 256 };

/**
 * NCSC-style password rules: long enough (12 characters; a passphrase of three random words
 * passes), not absurdly long, not a common password, not the person's email address or its name
 * part. Returns every problem, empty when the password is acceptable.
 */
export function passwordProblems(password: string, email?: string): string[] {
  const problems: string[] = [];
  if ([...password].length < passwordRules.minLength)
    problems.push(
      `must be at least ${passwordRules.minLength} characters (three random words make a good one)`,
    );
  if ([...password].length > passwordRules.maxLength)
    problems.push(`must be at most ${passwordRules.maxLength} characters`);
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (
    commonPasswords.has(lower) ||
    commonPasswords.has(stem) ||
    /^(.)\1+$/.test(password) ||
    /^(0123456789|abcdefghijkl)/.test(lower)
  )
    problems.push('is too common or too easy to guess; choose something less predictable');
  if (email) {
    const local = email.toLowerCase().split('@')[0];
    if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local)))
      problems.push('must not contain your email address');
  }
  return problems;
}
