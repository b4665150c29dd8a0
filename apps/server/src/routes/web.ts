/**
 * @module routes/web
 * Serves keten's web app (apps/web, built into apps/web/dist by `npm run build:web`) at `/`: files
 * under `assets/` have content hashes in their names and are cached for a year; every other GET that
 * is no API path and asks for HTML gets `index.html` (not cached), so the app's own paths
 * (`/networks/demo/map`) load on reload and from bookmarks. Public: the app holds no data, it calls
 * the API with the user's token. Nothing comes from a CDN. Without a build, `/` says how to make one.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';

/** Where `npm run build:web` puts the app, from this file. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths that belong to the API or other machinery: never answered with the app. */
const NOT_THE_APP = /^\/(api|dsp|docs|openapi\.json|health|\.well-known)(\/|$)/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The app loads only from this node: no inline scripts, no other origins, not framed. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** Registers the app's routes. `root` is the built app's folder. */
export function webRoutes(app: FastifyInstance, root: string = DEFAULT_WEB_ROOT): void {
  const base = resolve(root);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    if (NOT_THE_APP.test(path)) {
      throw new ApiError('not-found', `no endpoint ${request.method} ${path}`);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      throw new ApiError('invalid-request', 'the path is not valid percent-encoding');
    }
    const file = resolve(base, `.${normalize(decoded)}`);
    const inside = file.startsWith(base + sep);
    if (inside && path !== '/' && extname(file) !== '') {
      const sent = await sendFile(reply, file, path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
      if (sent) return reply;
      // An asset that is not there (an old hash after an upgrade) is a 404, not the app.
      throw new ApiError('not-found', `no file ${path}`);
    }
    const index = join(base, 'index.html');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    if (await sendFile(reply, index, 'no-cache')) return reply;
    return reply
      .code(503)
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>keten</title></head><body>' +
          "<h1>keten's web app is not built</h1><p>Run <code>npm run build:web</code> in the keten folder " +
          '(or start with <code>npm start</code>, which builds it), then reload. The API is at ' +
          '<a href="/docs">/docs</a>.</p></body></html>',
      );
  };
  const options = { config: { auth: PUBLIC }, schema: { hide: true } } as const;
  app.get('/', options, handler);
  app.get('/*', options, handler);
}

async function sendFile(reply: FastifyReply, file: string, cacheControl: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    const body = await readFile(file);
    reply
      .header('cache-control', cacheControl)
      .header('last-modified', info.mtime.toUTCString())
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
    reply.send(body);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
