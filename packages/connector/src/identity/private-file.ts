/**
 * @module private-file
 * Reading and writing the small secret files of a node (its key, its membership credential): written
 * atomically (a temporary file in the same directory, flushed, then renamed over the target, so a crash
 * leaves the old file or the new one, never half of one) with mode 0600, and refused on read when other
 * users may read them (as OpenSSH does for private keys).
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, ok, type Result } from '@keten/core';

/**
 * Why a private file could not be read or written:
 * - `missing`: there is no such file (yet).
 * - `unreadable`: it exists but cannot be read (permissions, a directory in the way).
 * - `insecure`: group or other users may read or write it; `chmod 600` it.
 * - `unwritable`: it (or its directory) could not be written.
 * - `invalid`: it was read but its content is not what keten writes there.
 */
export type PrivateFileReason = 'missing' | 'unreadable' | 'insecure' | 'unwritable' | 'invalid';

export interface PrivateFileProblem {
  readonly reason: PrivateFileReason;
  readonly file: string;
  readonly message: string;
}

/**
 * Writes `content` to `file` with mode 0600, atomically and durably (temporary file, fsync, rename,
 * fsync of the directory). With
 * `replace: false` an existing file is kept and the result is `false` (the temporary file is hard-linked
 * into place, which fails when the name exists, so two processes creating a key at once cannot both win).
 */
export async function writePrivateFile(
  file: string,
  content: string,
  options: { replace?: boolean } = {},
): Promise<Result<boolean, PrivateFileProblem>> {
  const directory = dirname(file);
  const temporary = join(directory, `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The mode given to open() is reduced by the umask; 0600 is what we promise, whatever the umask.
    await chmod(temporary, 0o600);
    if (options.replace === false) {
      try {
        await link(temporary, file);
      } catch (cause) {
        if (isErrorCode(cause, 'EEXIST')) return ok(false);
        throw cause;
      } finally {
        await rm(temporary, { force: true });
      }
      await syncDirectory(directory);
      return ok(true);
    }
    await rename(temporary, file);
    await syncDirectory(directory);
    return ok(true);
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => undefined);
    return err({
      reason: 'unwritable',
      file,
      message: `cannot write ${file}: ${describe(cause)}; check that the data directory exists and is writable by this user`,
    });
  }
}

/** Reads a private file, refusing it when group or other users have any access to it (POSIX only). */
export async function readPrivateFile(file: string): Promise<Result<string, PrivateFileProblem>> {
  try {
    const facts = await stat(file);
    if (!facts.isFile()) {
      return err({ reason: 'unreadable', file, message: `${file} is not a regular file` });
    }
    if (process.platform !== 'win32' && (facts.mode & 0o077) !== 0) {
      const mode = (facts.mode & 0o777).toString(8).padStart(3, '0');
      return err({
        reason: 'insecure',
        file,
        message: `${file} has mode ${mode}: other users may read this secret; run \`chmod 600 ${file}\``,
      });
    }
    return ok(await readFile(file, 'utf8'));
  } catch (cause) {
    if (isErrorCode(cause, 'ENOENT'))
      return err({ reason: 'missing', file, message: `${file} does not exist` });
    return err({ reason: 'unreadable', file, message: `cannot read ${file}: ${describe(cause)}` });
  }
}

/**
 * Flushes a directory, so that a rename or link in it survives a crash (POSIX: the new name is in the
 * directory's data, which fsync on the file alone does not write). Windows cannot open directories.
 */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrorCode(cause: unknown, code: string): boolean {
  return typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === code;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
