/**
 * @module commands/access
 * The node's own accounts, on the local store: `keten user add|list|set` and `keten token
 * create|list|revoke`, and `keten login` to get a session token from a running server. Over HTTP the
 * same is done by admins through `/api/v1/users` and `/api/v1/tokens`.
 */
import { type KetenStore, ROLES, type Role, systemClock } from '@keten/core';
import { type Command, Option } from 'commander';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/**
 * Password hashing and tokens come from the server package, and the store from the backend: both are
 * loaded by the command that uses them, so the CLI starts without Fastify and PGlite.
 */
const serverPackage = () => import('@keten/server');

async function withStore(db: string | undefined, work: (store: KetenStore) => Promise<void>): Promise<void> {
  const { openLocalStore } = await import('../backend.ts');
  const { store } = await openLocalStore(db);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

/** The first line of stdin: a password given with --password-stdin, so it never shows in `ps`. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new CliError('usage', '--password-stdin: stdin held no password');
  return password;
}

function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new CliError(
      'usage',
      `'${username}' is not a user name: use 2 to 64 lower-case letters, digits or . _ -`,
    );
  }
}

const roleOption = (description: string) =>
  new Option('--role <role>', description).choices(ROLES as string[]);

export function registerAccessCommands(program: Command, output: Output): void {
  const dbOption = '--db <dir>';
  const dbHelp = 'embedded store folder (default: $KETEN_HOME/store); DATABASE_URL selects PostgreSQL';
  const user = program
    .command('user')
    .description("the node's users (viewer, planner, admin), on the local store");

  user
    .command('add')
    .description('create a user; prints a generated password unless --password-stdin')
    .argument('<username>')
    .addOption(roleOption('viewer, planner or admin').makeOptionMandatory())
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option(dbOption, dbHelp)
    .action(async (username: string, options: { role: Role; passwordStdin?: boolean; db?: string }) => {
      checkUsername(username);
      const { generatePassword, hashPassword, passwordProblem } = await serverPackage();
      const password = options.passwordStdin ? await passwordFromStdin() : generatePassword();
      const problem = passwordProblem(password, username);
      if (problem !== undefined) throw new CliError('invalid', problem);
      await withStore(options.db, async (store) => {
        const created = await store.access.createUser({
          username,
          role: options.role,
          passwordHash: await hashPassword(password),
        });
        if (created === 'exists') throw new CliError('refused', `a user named '${username}' exists already`);
        output.out(`created ${options.role} '${username}'`);
        if (!options.passwordStdin) output.out(`password: ${password}   (shown once; keep it)`);
      });
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .option(dbOption, dbHelp)
    .action((options: { json?: boolean; db?: string }) =>
      withStore(options.db, async (store) => {
        const users = (await store.access.listUsers()).map(({ passwordHash: _hash, ...info }) => info);
        if (options.json) return output.json(users);
        for (const info of users) {
          output.out(
            `${info.username}\t${info.role}\t${info.disabled ? 'disabled' : 'enabled'}\t${info.createdAt}`,
          );
        }
      }),
    );

  user
    .command('set')
    .description("change a user's role, password or whether they may log in")
    .argument('<username>')
    .addOption(roleOption('new role'))
    .option('--password-stdin', 'read a new password from the first line of stdin')
    .option('--disable', 'refuse their logins and tokens')
    .option('--enable', 'allow them again')
    .option(dbOption, dbHelp)
    .action(
      async (
        username: string,
        options: { role?: Role; passwordStdin?: boolean; disable?: boolean; enable?: boolean; db?: string },
      ) => {
        if (options.disable && options.enable)
          throw new CliError('usage', 'give --disable or --enable, not both');
        const change: { role?: Role; passwordHash?: string; disabled?: boolean } = {};
        if (options.role !== undefined) change.role = options.role;
        if (options.disable) change.disabled = true;
        if (options.enable) change.disabled = false;
        if (options.passwordStdin) {
          const { hashPassword, passwordProblem } = await serverPackage();
          const password = await passwordFromStdin();
          const problem = passwordProblem(password, username);
          if (problem !== undefined) throw new CliError('invalid', problem);
          change.passwordHash = await hashPassword(password);
        }
        if (Object.keys(change).length === 0) {
          throw new CliError(
            'usage',
            'nothing to change: give --role, --password-stdin, --disable or --enable',
          );
        }
        await withStore(options.db, async (store) => {
          if (!(await store.access.updateUser(username, change))) {
            throw new CliError('notFound', `no user named '${username}'`);
          }
          output.out(`updated '${username}'`);
        });
      },
    );

  const token = program.command('token').description('API tokens, on the local store');
  token
    .command('create')
    .description('create an API token for a user; the token is shown once')
    .requiredOption('--user <username>', 'whose token it is')
    .requiredOption('--name <name>', 'what it is for, e.g. ci or laptop')
    .option('--expires-days <days>', 'expire after this many days (default never)', (text) => {
      const days = Number(text);
      if (!Number.isInteger(days) || days < 1 || days > 3650) {
        throw new CliError('usage', '--expires-days must be a whole number from 1 to 3650');
      }
      return days;
    })
    .option(dbOption, dbHelp)
    .action((options: { user: string; name: string; expiresDays?: number; db?: string }) =>
      withStore(options.db, async (store) => {
        const owner = await store.access.getUser(options.user);
        if (owner === undefined) throw new CliError('notFound', `no user named '${options.user}'`);
        const { issueToken } = await serverPackage();
        const issued = await issueToken(store.access, systemClock, {
          username: options.user,
          name: options.name,
          lifetimeMs: options.expiresDays === undefined ? undefined : options.expiresDays * 86_400_000,
        });
        output.err(`token ${issued.token.id} for ${options.user} (${owner.role}); shown once:`);
        output.out(issued.secret);
      }),
    );

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--user <username>', "only this user's")
    .option('--json', 'print JSON')
    .option(dbOption, dbHelp)
    .action((options: { user?: string; json?: boolean; db?: string }) =>
      withStore(options.db, async (store) => {
        const tokens = (await store.access.listTokens(options.user)).map(
          ({ tokenHash: _hash, ...info }) => info,
        );
        if (options.json) return output.json(tokens);
        for (const info of tokens) {
          const state = info.revokedAt
            ? `revoked ${info.revokedAt}`
            : info.expiresAt
              ? `expires ${info.expiresAt}`
              : 'active';
          output.out(
            `${info.id}\t${info.username}\t${info.name}\t${state}\tlast used ${info.lastUsedAt ?? 'never'}`,
          );
        }
      }),
    );

  token
    .command('revoke')
    .description('revoke a token by its id')
    .argument('<id>')
    .option(dbOption, dbHelp)
    .action((id: string, options: { db?: string }) =>
      withStore(options.db, async (store) => {
        if (!(await store.access.revokeToken(id))) {
          throw new CliError('notFound', `no active token with id '${id}'`);
        }
        output.out(`revoked ${id}`);
      }),
    );

  program
    .command('login')
    .description('log in to a keten server; prints a session token to use as KETEN_TOKEN (12 h)')
    .requiredOption('--server <url>', 'the server, e.g. http://127.0.0.1:8080')
    .requiredOption('--user <username>')
    .option('--password-stdin', 'read the password from the first line of stdin (required)')
    .action(async (options: { server: string; user: string; passwordStdin?: boolean }) => {
      if (!options.passwordStdin) {
        throw new CliError(
          'usage',
          'give the password on stdin with --password-stdin, so it stays out of your shell history',
        );
      }
      const password = await passwordFromStdin();
      const base = options.server.replace(/\/+$/, '');
      let response: Response;
      try {
        response = await fetch(`${base}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: options.user, password }),
        });
      } catch (cause) {
        throw new CliError(
          'unavailable',
          `${base} did not answer (${(cause as Error).message}); is the server running?`,
        );
      }
      const body = (await response.json().catch(() => ({}))) as {
        secret?: string;
        error?: { message?: string };
      };
      if (!response.ok || body.secret === undefined) {
        throw new CliError('refused', `login refused: ${body.error?.message ?? response.statusText}`);
      }
      output.err(`logged in to ${base} as ${options.user}; use the token below as KETEN_TOKEN or --token`);
      output.out(body.secret);
    });
}
