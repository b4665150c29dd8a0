import { describe, expect, it } from 'vitest';
import { hashToken, newToken, tokenId, tokenInfo, tokenMatches } from './tokens.ts';

describe('tokens', () => {
  it('are ktn_<16 hex id>_<43 base64url secret>, stored as SHA-256 hex', () => {
    const token = newToken();
    expect(token.token).toMatch(/^ktn_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(tokenId(token.token)).toBe(token.id);
    expect(token.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(token.tokenHash).toBe(hashToken(token.token));
    expect(newToken().token).not.toBe(token.token);
  });

  it('match their record only with the same id and hash', () => {
    const token = newToken();
    const record = { id: token.id, username: 'ada', name: 'x', tokenHash: token.tokenHash, createdAt: '' };
    expect(tokenMatches(record, token.token, token.tokenHash)).toBe(true);
    const other = newToken();
    expect(tokenMatches(record, other.token, other.tokenHash)).toBe(false);
    expect(tokenMatches({ ...record, id: other.id }, token.token, token.tokenHash)).toBe(false);
    expect(tokenMatches({ ...record, tokenHash: 'abc' }, token.token, token.tokenHash)).toBe(false);
  });

  it('refuse anything else as malformed', () => {
    for (const text of [
      '',
      'ktn_',
      'ktn_0123_abc',
      `ktn_0123456789ABCDEF_${'a'.repeat(43)}`,
      `ktn_0123456789abcdef_${'a'.repeat(44)}`,
    ]) {
      expect(tokenId(text), text).toBeUndefined();
    }
  });

  it('show everything but the hash', () => {
    const info = tokenInfo({
      id: 'i',
      username: 'u',
      name: 'n',
      tokenHash: 'h',
      createdAt: 'c',
      expiresAt: 'e',
    });
    expect(info).toEqual({ id: 'i', username: 'u', name: 'n', createdAt: 'c', expiresAt: 'e' });
  });
});
