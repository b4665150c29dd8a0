/**
 * @module internal/access-store
 * Users and API tokens in SQL. A taken user name is the value `'exists'`, not an error; a token for
 * a user that does not exist, or with an id or hash that exists already, is a `conflict`.
 */
import {
  type AccessStore,
  normalizeTimestamp,
  ROLES,
  type Role,
  type TokenRecord,
  type UserRecord,
} from '@keten/core';
import { StoreError } from '../errors.ts';
import { isoText, operation, type StoreContext } from './context.ts';

interface UserRow {
  username: string;
  role: Role;
  password_hash: string;
  created_at: string;
  disabled: boolean;
}

interface TokenRow {
  id: string;
  username: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const USER_COLUMNS = `username, role, password_hash, ${isoText('created_at')} AS created_at, disabled`;
const TOKEN_COLUMNS = `id, username, name, token_hash, ${isoText('created_at')} AS created_at,
  ${isoText('expires_at')} AS expires_at, ${isoText('last_used_at')} AS last_used_at,
  ${isoText('revoked_at')} AS revoked_at`;

export class SqlAccessStore implements AccessStore {
  constructor(private readonly context: StoreContext) {}

  createUser(user: { username: string; role: Role; passwordHash: string }): Promise<UserRecord | 'exists'> {
    const { schema, driver, clock } = this.context;
    return operation(this.context, `creating user ${user.username}`, async () => {
      checkRole(user.role);
      const rows = await driver.query<UserRow>(
        `INSERT INTO ${schema}.users (username, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (username) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [user.username, user.role, user.passwordHash, clock.now().toISOString()],
      );
      return rows[0] ? toUser(rows[0]) : 'exists';
    });
  }

  getUser(username: string): Promise<UserRecord | undefined> {
    const { schema, driver } = this.context;
    return operation(this.context, `reading user ${username}`, async () => {
      const rows = await driver.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM ${schema}.users WHERE username = $1`,
        [username],
      );
      return rows[0] ? toUser(rows[0]) : undefined;
    });
  }

  listUsers(): Promise<UserRecord[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'listing users', async () => {
      const rows = await driver.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM ${schema}.users ORDER BY username COLLATE "C"`,
      );
      return rows.map(toUser);
    });
  }

  updateUser(
    username: string,
    change: { role?: Role; passwordHash?: string; disabled?: boolean },
  ): Promise<boolean> {
    const { schema, driver } = this.context;
    return operation(this.context, `updating user ${username}`, async () => {
      if (change.role !== undefined) checkRole(change.role);
      const rows = await driver.query(
        `UPDATE ${schema}.users SET role = coalesce($2, role), password_hash = coalesce($3, password_hash),
           disabled = coalesce($4, disabled)
         WHERE username = $1 RETURNING username`,
        [username, change.role ?? null, change.passwordHash ?? null, change.disabled ?? null],
      );
      return rows.length > 0;
    });
  }

  createToken(token: {
    id: string;
    username: string;
    name: string;
    tokenHash: string;
    expiresAt?: string;
  }): Promise<TokenRecord> {
    const { schema, driver, clock } = this.context;
    return operation(this.context, `creating token ${token.id} of user ${token.username}`, async () => {
      const expiresAt = token.expiresAt === undefined ? null : requireTimestamp(token.expiresAt);
      // The user check and the insert are one statement, so a missing user is told apart from a
      // taken id or hash without reading driver messages.
      const rows = await driver.query<TokenRow>(
        `INSERT INTO ${schema}.api_tokens (id, username, name, token_hash, created_at, expires_at)
         SELECT $1, username, $3, $4, $5, $6 FROM ${schema}.users WHERE username = $2
         ON CONFLICT DO NOTHING
         RETURNING ${TOKEN_COLUMNS}`,
        [token.id, token.username, token.name, token.tokenHash, clock.now().toISOString(), expiresAt],
      );
      if (rows[0]) return toToken(rows[0]);
      const user = await driver.query(`SELECT 1 FROM ${schema}.users WHERE username = $1`, [token.username]);
      throw new StoreError(
        'conflict',
        user.length === 0
          ? `there is no user ${token.username}`
          : 'a token with this id or hash exists already',
        { details: { id: token.id, username: token.username } },
      );
    });
  }

  findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const { schema, driver } = this.context;
    return operation(this.context, 'finding a token', async () => {
      const rows = await driver.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM ${schema}.api_tokens WHERE token_hash = $1`,
        [tokenHash],
      );
      return rows[0] ? toToken(rows[0]) : undefined;
    });
  }

  listTokens(username?: string): Promise<TokenRecord[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'listing tokens', async () => {
      const rows = await driver.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM ${schema}.api_tokens
         ${username === undefined ? '' : 'WHERE username = $1'}
         ORDER BY created_at, id COLLATE "C"`,
        username === undefined ? [] : [username],
      );
      return rows.map(toToken);
    });
  }

  revokeToken(id: string): Promise<boolean> {
    const { schema, driver, clock } = this.context;
    return operation(this.context, `revoking token ${id}`, async () => {
      const rows = await driver.query(
        `UPDATE ${schema}.api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [id, clock.now().toISOString()],
      );
      return rows.length > 0;
    });
  }

  touchToken(id: string, at: string): Promise<void> {
    const { schema, driver } = this.context;
    return operation(this.context, `touching token ${id}`, async () => {
      await driver.query(`UPDATE ${schema}.api_tokens SET last_used_at = $2 WHERE id = $1`, [
        id,
        requireTimestamp(at),
      ]);
    });
  }
}

function checkRole(role: Role): void {
  if (!ROLES.includes(role)) {
    throw new StoreError(
      'invalid-input',
      `unknown role ${JSON.stringify(role)}; roles are ${ROLES.join(', ')}`,
    );
  }
}

function requireTimestamp(text: string): string {
  const time = normalizeTimestamp(text);
  if (time === undefined) {
    throw new StoreError('invalid-input', `not an ISO 8601 time with a zone: ${JSON.stringify(text)}`);
  }
  return time;
}

function toUser(row: UserRow): UserRecord {
  return {
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    disabled: row.disabled,
  };
}

function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}
