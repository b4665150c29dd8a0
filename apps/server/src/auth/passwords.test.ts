import { describe, expect, it } from 'vitest';
import { hashPassword, MINIMUM_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './passwords.ts';

describe('hashPassword / verifyPassword', () => {
  it('hashes with scrypt N=2^15, r=8, p=1 and a 16-byte salt, and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const [scheme, cost, blockSize, parallelization, salt, key] = hash.split('$');
    expect([scheme, cost, blockSize, parallelization]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts: the same password hashes differently every time', async () => {
    const [first, second] = await Promise.all([
      hashPassword('same password!'),
      hashPassword('same password!'),
    ]);
    expect(first).not.toBe(second);
  });

  it('verifies a hash made with a higher cost (the cost is read from the hash)', async () => {
    const hash = await hashPassword('stronger settings', { cost: 2 ** 16, blockSize: 8, parallelization: 1 });
    expect(hash.startsWith('scrypt$65536$8$1$')).toBe(true);
    expect(await verifyPassword('stronger settings', hash)).toBe(true);
  });

  it('treats the composed and decomposed forms of a character as one password', async () => {
    const hash = await hashPassword('wachtwoord café');
    expect(await verifyPassword('wachtwoord cafe\u0301', hash)).toBe(true);
  });

  it('refuses a cost below 2^15', async () => {
    await expect(hashPassword('x', { cost: 2 ** 14, blockSize: 8, parallelization: 1 })).rejects.toThrow(
      RangeError,
    );
  });

  it('answers false, never throws, for hashes it cannot read', async () => {
    for (const stored of [
      '',
      'plain text',
      'bcrypt$10$abc',
      'scrypt$32768$8$1$salt',
      'scrypt$3$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5',
      `scrypt$${2 ** 30}$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5`,
      'scrypt$32768$0$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5',
    ]) {
      expect(await verifyPassword('anything at all', stored), stored).toBe(false);
    }
  });
});

describe('passwordProblem', () => {
  it('asks for at least 12 characters', () => {
    expect(MINIMUM_PASSWORD_LENGTH).toBe(12);
    expect(passwordProblem('short')).toBe('the password needs at least 12 characters (it has 5)');
    expect(passwordProblem('twelve chars')).toBeUndefined();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('🔑🔑🔑🔑🔑🔑')).toMatch(/it has 6/);
  });

  it('refuses repetition and the user name', () => {
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/too few different characters/);
    expect(passwordProblem('ada-lovelace-1815', 'lovelace')).toMatch(/user name/);
  });

  it('refuses absurdly long passwords', () => {
    expect(passwordProblem('ab'.repeat(600))).toMatch(/at most 1024/);
  });
});
