/**
 * The Agreements, Audit trail and Chain-deep status pages on company nodes (issue 6 item 6): three
 * nodes of the demo network in one process (kempen, the OEM; steinhof-optics, its tier 1;
 * kortrijk-coils, steinhof's tier 2), each serving the freshly built app. Once a forecast has flowed
 * from kempen down to kortrijk, the pages are opened in Chromium at steinhof (which has a customer and
 * a supplier) and kempen: offers with their policies in words, finalized negotiations, the audit
 * trail filtered and its chain intact, the outbox, and the status tree behind kempen's end demand.
 * axe-core on each, no console error, screenshots into artifacts/screenshots/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KetenDatabase, openDatabase } from '@keten/store';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetworkNodes } from '../../cli/src/network-nodes.ts';
import type { CompanyNode } from '../../cli/src/node-runtime.ts';
import {
  buildApp,
  CHROMIUM_AVAILABLE,
  demoNetwork,
  expectClean,
  launchChromium,
  logIn,
  PASSWORD,
  screenshot,
  type WebFixture,
} from './support.ts';

const OEM = 'kempen';
const TIER1 = 'steinhof-optics';
const TIER2 = 'kortrijk-coils';

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 150_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const folder = mkdtempSync(join(tmpdir(), 'keten-web-agreements-'));
const nodes = new Map<string, CompanyNode>();
let database: KetenDatabase | undefined;
let browser: Browser | undefined;
let dist: string | undefined;
let closeNodes: () => Promise<void> = async () => {};

/** A fixture for support.ts's logIn: the node's server and the shared browser. */
function fixtureOf(company: string): WebFixture {
  const node = nodes.get(company)!;
  return { server: node.server, store: node.store, browser: browser!, dist: dist!, close: async () => {} };
}

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  const started = Date.now();
  const cpu = process.cpuUsage();
  dist = await buildApp();
  database = await openDatabase();
  const running = await startNetworkNodes({
    network: demoNetwork(),
    companies: [OEM, TIER1, TIER2],
    database,
    folder,
    networkName: 'keten-demo',
    admin: { username: 'admin', password: PASSWORD },
    web: dist,
    // kortrijk's status consent to steinhof has ended: the chain-deep status shows it withheld, and
    // kortrijk's audit trail holds the refusal with its reason.
    statusConsent: (company, customer) =>
      company === TIER2 && customer === TIER1
        ? { forwardDepth: 1, expiresAt: new Date('2020-01-01T00:00:00Z') }
        : { forwardDepth: 1 },
  });
  for (const [company, node] of running.nodes) nodes.set(company, node);
  closeNodes = running.close;
  await until('a forecast at kortrijk-coils', async () =>
    (await nodes.get(TIER2)!.store.exchange.listRecords('received-demand')).some((record) =>
      (record.value as number[]).some((quantity) => quantity > 0),
    ),
  );
  for (const node of nodes.values()) await node.service.settled();
  const used = process.cpuUsage(cpu);
  console.log(
    `3 nodes up and a forecast down to tier 2: ${Date.now() - started} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU, load ${loadavg()[0]!.toFixed(1)}`,
  );
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await closeNodes();
  await database?.close();
  rmSync(folder, { recursive: true, force: true });
  if (dist !== undefined) rmSync(dist, { recursive: true, force: true });
});

describe.skipIf(!CHROMIUM_AVAILABLE)('agreements and audit on a company node', () => {
  it('shows the offers with their policy in words, the finalized negotiations and the outbox', async () => {
    const opened = await logIn(fixtureOf(TIER1));
    const { page } = opened;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Agreements' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Audit trail' }).count()).toBe(1);
    await nav.getByRole('link', { name: 'Agreements' }).click();
    await page.getByRole('heading', { name: 'Offers this node makes' }).waitFor();
    const offers = page.getByRole('table', { name: /Datasets offered/ });
    // steinhof offers kempen (its customer) and kortrijk (its supplier) datasets of their own.
    await expect.poll(() => offers.getByRole('row', { name: /kempen/ }).count()).toBeGreaterThan(0);
    expect(await offers.getByRole('row', { name: /kortrijk-coils/ }).count()).toBeGreaterThan(0);
    const offersText = await offers.innerText();
    expect(offersText).toContain('demand and capacity management (Catena-X DCM)');
    expect(offersText).toMatch(/1 tier beyond the partner/);
    expect(offersText).toMatch(/\d{4}-\d{2}-\d{2} \(in \d+ days\)/);
    const negotiations = page.getByRole('table', { name: /Negotiations/ });
    expect(await negotiations.getByText('FINALIZED').count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    await page.getByText(/\d+ messages? delivered/).waitFor();
    await expectClean(opened);
    await screenshot(page, 'connector-agreements');
    await page.close();
  });

  it('shows the audit trail filtered, paged, with its chain intact', async () => {
    const opened = await logIn(fixtureOf(TIER1));
    const { page } = opened;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.getByTestId('chain').waitFor();
    expect(await page.getByTestId('chain').innerText()).toMatch(/^Hash chain intact: all \d+ entries/);
    const rows = page.getByRole('table', { name: /Audit entries/ }).getByRole('row');
    expect(await rows.count()).toBeGreaterThan(1);
    // Filter by keyboard: the partner field, then the outcome, then Enter.
    await page.getByLabel(/^Partner/).fill('kempen');
    await page.getByLabel('Outcome').selectOption('granted');
    await page.getByLabel('Entries per page').selectOption('50');
    await page.getByLabel(/^Partner/).press('Enter');
    await page.waitForURL(/partner=kempen&outcome=granted&limit=50/);
    await page.getByText(/entries? match of/).waitFor();
    const outcomes = await page
      .getByRole('table', { name: /Audit entries/ })
      .locator('tbody tr td:nth-child(6)')
      .allInnerTexts();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['granted']));
    await expectClean(opened);
    await screenshot(page, 'connector-audit');
    // The tablet: the same page at 768×1024.
    const tablet = await logIn(fixtureOf(TIER1), 'admin', { width: 768, height: 1024 });
    await tablet.page.goto(`${nodes.get(TIER1)!.server.url}/connector/audit?outcome=granted`);
    await tablet.page.getByTestId('chain').waitFor();
    await expectClean(tablet);
    await screenshot(tablet.page, 'connector-audit-tablet');
    await tablet.page.close();
    await page.close();
  });

  it('asks the chain behind the OEM end demand and shows the tree with the signatures checked', async () => {
    const opened = await logIn(fixtureOf(OEM));
    const { page } = opened;
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Chain-deep status' })
      .click();
    await page.getByLabel(/^Order/).fill('tem-300');
    await page.getByLabel(/^Wait for answers/).fill('30');
    await page.getByRole('button', { name: 'Ask the chain' }).click();
    await page.getByTestId('signatures').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('signatures').innerText()).toMatch(
      /\d+ parts? verified against its owner's key, 0 parts failed/,
    );
    const tree = await page.locator('.status-tree').innerText();
    expect(tree).toContain('Steinhof');
    expect(tree).toMatch(/Kortrijk[^\n]*Withheld: the owner's consent does not reach you: [^\n]*2020-01-01/);
    await expectClean(opened);
    await screenshot(page, 'connector-chain-status');
    await page.close();
  });
});

describe.skipIf(!CHROMIUM_AVAILABLE)('a refusal in the audit trail of its owner', () => {
  it("shows kortrijk's refusal of steinhof's status question with its reason", async () => {
    const opened = await logIn(fixtureOf(TIER2));
    const { page } = opened;
    await page.goto(`${nodes.get(TIER2)!.server.url}/connector/audit?outcome=refused`);
    await page.getByTestId('chain').waitFor();
    expect(await page.getByTestId('chain').innerText()).toMatch(/^Hash chain intact/);
    const row = page
      .getByRole('table', { name: /Audit entries/ })
      .locator('tbody tr')
      .first();
    const cells = await row.locator('td').allInnerTexts();
    console.log(`kortrijk's refusal: ${cells.join(' | ')}`);
    expect(cells[2]).toBe(TIER1);
    expect(cells[5]).toBe('refused');
    expect(cells[6]).toMatch(/^Failed: DataUsageEndDate\. .*2020-01-01/);
    await expectClean(opened);
    await screenshot(page, 'connector-audit-refused');
    await page.close();
  });
});

describe.skipIf(!CHROMIUM_AVAILABLE)('a node without a connector', () => {
  it('lists no connector pages', async () => {
    // The support fixture's plain server: no connector, so no Agreements link.
    const { startWeb } = await import('./support.ts');
    const web = await startWeb();
    try {
      const opened = await logIn(web);
      await opened.page.getByRole('link', { name: 'Users' }).waitFor();
      // The check is asynchronous: give it the time a connector's answer would take.
      await opened.page.waitForTimeout(500);
      expect(await opened.page.getByRole('link', { name: 'Agreements' }).count()).toBe(0);
      await opened.page.goto(`${web.server.url}/connector/audit`);
      await opened.page.getByText('This node has no connector').waitFor();
      await expectClean(opened);
    } finally {
      await web.close();
    }
  });
});
