/**
 * @module auth/passwords
 * Password hashing with scrypt, the memory-hard function in node:crypto (RFC 7914). Hashes are
 * self-describing, `scrypt$N$r$p$salt$hash` (salt and hash in base64url), so the cost can be raised
 * later without breaking existing hashes. Parameters follow the OWASP Password Storage Cheat Sheet
 * (scrypt: N=2^17, r=8, p=1 as the recommendation; N=2^15 as the lowest acceptable here).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Lowest cost accepted when hashing: N = 2^15. */
export const MINIMUM_SCRYPT_COST = 2 ** 15;
/** Default cost: N = 2^15, r = 8, p = 1 — 32 MiB per hash, about 0.1 s on one core. */
export const DEFAULT_SCRYPT = { cost: 2 ** 15, blockSize: 8, parallelization: 1 } as const;

export const MINIMUM_PASSWORD_LENGTH = 12;
/** Longer input is refused so that a login request cannot make scrypt hash megabytes. */
export const MAXIMUM_PASSWORD_LENGTH = 1024;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Highest cost `verifyPassword` runs, so a corrupt stored hash cannot exhaust memory. */
const MAXIMUM_SCRYPT_COST = 2 ** 20;

export interface ScryptParameters {
  /** N, a power of two ≥ 2^15. */
  readonly cost: number;
  /** r. */
  readonly blockSize: number;
  /** p. */
  readonly parallelization: number;
}

/**
 * Why a password is refused, in words a user can act on, or `undefined` when it is acceptable.
 *
 * @example
 * passwordProblem('short') // 'the password needs at least 12 characters (it has 5)'
 */
export function passwordProblem(password: string, username?: string): string | undefined {
  const length = [...password].length;
  if (length < MINIMUM_PASSWORD_LENGTH) {
    return `the password needs at least ${MINIMUM_PASSWORD_LENGTH} characters (it has ${length})`;
  }
  if (length > MAXIMUM_PASSWORD_LENGTH) {
    return `the password may have at most ${MAXIMUM_PASSWORD_LENGTH} characters`;
  }
  if (new Set(password).size < 4) return 'the password repeats too few different characters';
  if (username !== undefined && password.toLowerCase().includes(username.toLowerCase())) {
    return 'the password may not contain the user name';
  }
  return undefined;
}

/**
 * Hashes a password as `scrypt$N$r$p$salt$hash` with a fresh 16-byte salt. Runs scrypt on the libuv
 * thread pool, so the event loop stays free.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword('correct horse battery staple', stored); // true
 */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_SCRYPT,
): Promise<string> {
  if (parameters.cost < MINIMUM_SCRYPT_COST || !isPowerOfTwo(parameters.cost)) {
    throw new RangeError(`scrypt cost must be a power of two ≥ ${MINIMUM_SCRYPT_COST}`);
  }
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, parameters);
  return [
    'scrypt',
    parameters.cost,
    parameters.blockSize,
    parameters.parallelization,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/**
 * Whether `password` matches a hash made by `hashPassword`. False (never an exception) for a hash it
 * cannot read. Compares in constant time.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  if ([...password].length > MAXIMUM_PASSWORD_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed.parameters, parsed.key.length);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

function parseHash(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [cost, blockSize, parallelization] = parts.slice(1, 4).map((part) => Number(part));
  if (cost === undefined || blockSize === undefined || parallelization === undefined) return undefined;
  if (!isPowerOfTwo(cost) || cost < 2 || cost > MAXIMUM_SCRYPT_COST) return undefined;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 32) return undefined;
  if (!Number.isInteger(parallelization) || parallelization < 1 || parallelization > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 128) return undefined;
  return { parameters: { cost, blockSize, parallelization }, salt, key };
}

function derive(
  password: string,
  salt: Buffer,
  parameters: ScryptParameters,
  length = KEY_BYTES,
): Promise<Buffer> {
  const { cost: N, blockSize: r, parallelization: p } = parameters;
  // scrypt needs 128·N·r bytes for V plus 128·r·p for B; Node refuses anything above `maxmem`
  // (default 32 MiB, exactly the need at N=2^15, r=8), so give it headroom.
  const maxmem = 128 * N * r + 128 * r * p + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { N, r, p, maxmem }, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && Number.isInteger(Math.log2(value));
}
