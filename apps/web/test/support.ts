/**
 * @module test/support
 * Helpers for the web app's browser tests: build the app into a temporary folder (Vite), start a keten
 * server on a free port over an in-memory store with an admin (and any other users) and networks,
 * drive Debian's Chromium with playwright-core (the flags of the issue), log in through the login
 * page, check a page with axe-core, and save screenshots into artifacts/screenshots/ (CI keeps
 * artifacts/).
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  createMemoryStore,
  type KetenStore,
  loadNetworkFile,
  type Network,
  type Role,
  summarize,
} from '@keten/core';
import { ensureAdmin, hashPassword, type RunningServer, startServer } from '@keten/server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
export const PASSWORD = 'correct horse battery staple';
export const CHROMIUM = process.env.KETEN_CHROMIUM ?? '/usr/bin/chromium';
/** Whether the browser tests can run here; in CI they must (the test fails instead of skipping). */
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM);

/**
 * Builds the app into a fresh temporary folder as `npm run build:web` does (the production build,
 * what users get); returns the folder. The build runs in a process of its own: in vitest's process
 * `NODE_ENV` is `test`, and Vite decides from it, when it starts, to compile JSX for React's
 * development runtime (`jsxDEV`); defining `NODE_ENV` as production for the bundle then picks the
 * production runtime, which has no `jsxDEV`, and the app fails before the login page shows.
 */
export async function buildApp(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'keten-web-test-'));
  const { NODE_ENV: _test, ...env } = process.env;
  await run(
    process.execPath,
    [
      join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js'),
      'build',
      'apps/web',
      '--config',
      'apps/web/vite.config.ts',
      '--logLevel',
      'warn',
      '--outDir',
      folder,
      '--emptyOutDir',
    ],
    { cwd: ROOT, env },
  );
  return folder;
}

export interface WebFixture {
  readonly server: RunningServer;
  readonly store: KetenStore;
  readonly browser: Browser;
  readonly dist: string;
  close(): Promise<void>;
}

/**
 * The app built, a server serving it with `networks` stored under their names, users `admin` (and one
 * per role in `users`, named after the role) with `PASSWORD`, and Chromium.
 */
export async function startWeb(
  options: { readonly networks?: Readonly<Record<string, Network>>; readonly users?: readonly Role[] } = {},
): Promise<WebFixture> {
  const dist = await buildApp();
  const store = createMemoryStore(undefined, {
    hash: (text) => createHash('sha256').update(text).digest('hex'),
  });
  const admin = await ensureAdmin(store, { username: 'admin', password: PASSWORD });
  if (!admin.ok) throw new Error(admin.message);
  const passwordHash = await hashPassword(PASSWORD);
  for (const role of options.users ?? [])
    await store.access.createUser({ username: role, role, passwordHash });
  for (const [name, network] of Object.entries(options.networks ?? {})) {
    await store.networks.importVersion({
      network: name,
      content: network,
      summary: summarize(network),
      source: 'test',
      author: 'admin',
    });
  }
  const server = await startServer({ store, port: 0, logger: false, web: dist, closeStore: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await launchChromium();
  return {
    server,
    store,
    browser,
    dist,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium with the flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // WebGL (the graph view) in software, as on a CI machine without a GPU.
      '--enable-unsafe-swiftshader',
    ],
  });
}

export interface OpenedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  readonly errors: string[];
  /** Requests to any origin but the server's (there must be none: no CDN). */
  readonly elsewhere: string[];
}

/** A page at `viewport` (default 1280×800), logged in as `username` through the login page. */
export async function logIn(
  fixture: WebFixture,
  username = 'admin',
  viewport = { width: 1280, height: 800 },
): Promise<OpenedPage> {
  const page = await fixture.browser.newPage({ viewport });
  const errors: string[] = [];
  const elsewhere: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(fixture.server.url) || url.startsWith('data:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  await page.goto(`${fixture.server.url}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { page, errors, elsewhere };
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical WCAG 2 A/AA violations on the page, as `id: targets`. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP rightly allows no inline script.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
  });
}

/** Saves a screenshot of the page as artifacts/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The demo network (examples/demo-network.yaml), loaded and checked. */
export function demoNetwork(): Network {
  const loaded = loadNetworkFile({
    name: 'demo-network.yaml',
    text: readFileSync(join(ROOT, 'examples/demo-network.yaml'), 'utf8'),
  });
  if (!loaded.ok) throw new Error('the demo network does not load');
  return loaded.value.network;
}

/**
 * The page passes the quality bars: no serious accessibility problem, no console error, no other
 * origin, and nothing wider than the window (a wide table scrolls in its own frame, the page does not).
 */
export async function expectClean(opened: OpenedPage): Promise<void> {
  expect(await seriousViolations(opened.page)).toEqual([]);
  expect(opened.errors).toEqual([]);
  expect(opened.elsewhere).toEqual([]);
  expect(await overflowingElements(opened.page)).toEqual([]);
}

/** Elements of the page's main part that reach past the window's right edge, when the page does. */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    return [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 3)
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}.${element.className} (page ${document.documentElement.scrollWidth} px wide)`,
      );
  });
}
