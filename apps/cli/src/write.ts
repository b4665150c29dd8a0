/**
 * @module write
 * Writing large outputs without holding them in memory: text chunks to stdout with backpressure, or
 * to a file atomically (a temporary file beside it, synced, then renamed over it), so a reader never
 * sees half a file and an interrupted run leaves the old file as it was.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from './errors.ts';

/** Writes `chunks` to `stdout`, waiting whenever it is full; stdout stays open. */
export async function writeChunks(
  chunks: Iterable<string>,
  stdout: Writable = process.stdout,
): Promise<void> {
  try {
    await pipeline(Readable.from(chunks), stdout, { end: false });
  } catch (cause) {
    // The reader went away (`keten plan … --json | head`): nothing more to say to it.
    if ((cause as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw new CliError('unavailable', `stdout: cannot write (${(cause as Error).message})`);
  }
}

/**
 * Writes `chunks` to `path` atomically: into `.NAME.<random>.tmp` in the same folder (created
 * exclusively, so no link is followed), synced to disk, then renamed over `path`. If `path` is a
 * symbolic link, the link is replaced, not its target.
 */
export async function writeFileAtomically(path: string, chunks: Iterable<string>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temporary, 'wx', 0o644);
    for (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (cause) {
    await handle?.close().catch(() => {});
    await unlink(temporary).catch(() => {});
    throw writeError(path, cause as NodeJS.ErrnoException);
  }
}

/**
 * Fails now, with the error `writeFileAtomically` would give later, when `path` cannot be written: its
 * folder is missing or it is a folder. For checking an output before long work.
 */
export async function checkWritable(path: string): Promise<void> {
  const folder = await stat(dirname(path)).catch((cause: NodeJS.ErrnoException) => {
    throw writeError(path, cause);
  });
  if (!folder.isDirectory()) throw new CliError('usage', `${path}: ${dirname(path)} is not a folder`);
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory())
    throw writeError(path, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
}

function writeError(path: string, cause: NodeJS.ErrnoException): CliError {
  switch (cause.code) {
    case 'ENOENT':
      return new CliError('notFound', `${path}: cannot write, the folder ${dirname(path)} does not exist`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new CliError('refused', `${path}: cannot write, permission denied`);
    case 'EISDIR':
      return new CliError('usage', `${path}: is a folder; give a file name`);
    case 'ENOSPC':
      return new CliError('unavailable', `${path}: cannot write, the disk is full`);
    default:
      return new CliError('unavailable', `${path}: cannot write (${cause.code ?? cause.message})`);
  }
}
