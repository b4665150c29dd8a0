/**
 * The Plan and Chain status pages in Chromium, on the demo network: the plan page's first view (timed),
 * the bottleneck heat map read with the keyboard, a company's plan, pegging from an end demand down the
 * chain expanded and from an order up; the chain status page live: a capacity change posted through the
 * API arrives without a reload (rows marked "updated just now", the re-plan's changes shown), and the
 * page's own form posts one too. On every page: axe-core finds no serious or critical violation, the
 * console no error, nothing is fetched from another origin; screenshots into artifacts/screenshots/.
 * Needs /usr/bin/chromium; skipped without it, except in CI.
 */
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  CHROMIUM_AVAILABLE,
  demoNetwork,
  expectClean,
  logIn,
  PASSWORD,
  screenshot,
  startWeb,
  type WebFixture,
} from './support.ts';

let web: WebFixture;
beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  web = await startWeb({ networks: { demo: demoNetwork() }, users: ['viewer'] });
}, 300_000);
afterAll(async () => {
  await web?.close();
});

/** A bearer token of the admin, for calls the test makes itself. */
async function adminToken(): Promise<string> {
  const response = await fetch(`${web.server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { secret: string }).secret;
}

async function postCapacity(token: string, key: string, capacity: number): Promise<number> {
  const response = await fetch(`${web.server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      events: [
        {
          type: 'capacity.changed',
          key,
          at: new Date().toISOString(),
          source: 'e2e',
          payload: { network: 'demo', company: 'kempen', group: 'kempen-clean-room', from: 2, capacity },
        },
      ],
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { appended: { sequence: number }[] }).appended[0]!.sequence;
}

describe.skipIf(!CHROMIUM_AVAILABLE && !process.env.CI)('the Plan and Chain status pages in Chromium', () => {
  it('needs Chromium', () => {
    expect(CHROMIUM_AVAILABLE, `${CHROMIUM} is needed for these tests (apt-get install chromium)`).toBe(true);
  });

  it('shows the plan: heat map by keyboard, a company plan, pegging down the chain and up', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    // The browser's main-thread busy time (CPU) beside the wall time: the machine is shared.
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Performance.enable');
    const busy = async () => {
      const { metrics } = await devtools.send('Performance.getMetrics');
      const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
      return { task: value('TaskDuration'), script: value('ScriptDuration') };
    };
    const timed = async (label: string) => {
      const before = await busy();
      const cpuBefore = process.cpuUsage();
      const started = Date.now();
      await page.goto(`${web.server.url}/networks/demo/plan`);
      await page.locator('.heat-map td.heat-cell').first().waitFor();
      await page.getByTestId('company-plan').waitFor();
      const wall = Date.now() - started;
      const after = await busy();
      const cpu = process.cpuUsage(cpuBefore);
      // A navigation may start the counters again (a new document): then the reading after is all.
      const since = (name: 'task' | 'script') =>
        after[name] >= before[name] ? after[name] - before[name] : after[name];
      console.log(
        `${label}: ${wall} ms wall; browser main thread busy ${Math.round(since('task') * 1000)} ms ` +
          `(script ${Math.round(since('script') * 1000)} ms); server and test process CPU ` +
          `${Math.round((cpu.user + cpu.system) / 1000)} ms; load average ${loadavg()[0]!.toFixed(1)}`,
      );
    };
    await timed('plan page, first view (plans the demo)');
    await timed('plan page again (plan kept)');
    expect(await page.title()).toBe('Plan · keten');

    // The heat map: one tab stop, arrow keys move, the readout says the figures with units.
    const first = page.locator('.heat-map td[tabindex="0"]');
    await first.focus();
    const before = await page.locator('.heat-readout').innerText();
    expect(before).toMatch(/needs .* of .*\/week/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const after = await page.locator('.heat-readout').innerText();
    expect(after).not.toBe(before);
    expect(after).toContain('week 2');
    expect(await page.locator('.heat-legend li').count()).toBeGreaterThanOrEqual(6);
    // Only capacities over their limit are listed by default; each row's capacity is named.
    expect(await page.locator('.heat-map tbody tr').count()).toBeGreaterThan(0);

    // A company's plan: rows of figures per period with the unit in the row header.
    const table = page.getByTestId('company-plan').locator('table').first();
    expect(await table.locator('tbody th').first().innerText()).toMatch(/\bpcs\b|\bkg\b|\bm\b/);
    // Each item's plot (ECharts, SVG) is drawn with its data, the unit on its axis.
    const plot = page.locator('[data-testid^="item-chart-"]').first();
    await plot.locator('svg path').first().waitFor({ state: 'attached' });
    expect(await plot.locator('svg path').count()).toBeGreaterThan(3);
    expect(await plot.getAttribute('aria-label')).toMatch(/per week, in (pcs|kg|m)/);
    await screenshot(page, 'plan');
    await expectClean(opened);

    // Pegging: from the company's end demand down the chain, expanded.
    await page.getByRole('button', { name: /down the chain/ }).click();
    const tree = page.locator('.peg-tree');
    await tree.waitFor();
    await page.getByRole('button', { name: 'Expand all' }).click();
    const orders = page.locator('.peg-order');
    await orders.first().waitFor();
    expect(await orders.count()).toBeGreaterThan(1);
    expect(await tree.innerText()).toMatch(/buys .* from /);
    await screenshot(page, 'plan-pegging');
    // From an order up to the end demands it serves.
    await orders.first().getByRole('button').click();
    await page.getByText(/It serves \d+ end demands?/).waitFor();
    await expectClean(opened);
    await page.close();
  });

  it('shows the chain status live: a capacity change arrives without a reload', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.goto(`${web.server.url}/networks/demo/status`);
    await page.locator('.status-table tbody tr').first().waitFor();
    await page.locator('.live-line').getByText('Live', { exact: false }).waitFor();
    await page.waitForFunction(() => document.querySelector('.live-live') !== null);
    // A marker that a reload would lose.
    await page.evaluate(() => {
      (window as unknown as { keptAcrossUpdates: boolean }).keptAcrossUpdates = true;
    });
    await screenshot(page, 'status');
    await expectClean(opened);

    const token = await adminToken();
    const sequence = await postCapacity(token, `e2e-clean-room-${Date.now()}`, 3);
    // The log event arrives, the table asks again, the changed rows say so, and the re-plan shows.
    await page.locator('.live-line').getByText(`#${sequence} capacity.changed`).waitFor({ timeout: 30_000 });
    await page.locator('.updated-cell', { hasText: 'updated just now' }).first().waitFor({ timeout: 30_000 });
    await page
      .getByTestId('plan-changes')
      .getByText(/orders? at \d+ compan(y|ies) changed/)
      .waitFor({
        timeout: 60_000,
      });
    // The diff comes in pages: a company's orders are asked for when its entry is opened.
    const firstCompany = page.getByTestId('plan-changes').locator('.change-list > li details').first();
    await firstCompany.locator('summary').click();
    await firstCompany.locator('tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await firstCompany.locator('tbody tr').first().innerText()).toMatch(/new|changed|cancelled/);
    expect(
      await page.evaluate(() => (window as unknown as { keptAcrossUpdates?: boolean }).keptAcrossUpdates),
    ).toBe(true);
    expect(await page.locator('.live-line').innerText()).toContain(`up to #${sequence}`);
    await screenshot(page, 'status-after-replan');

    // A company's orders: open (under way) first, with ETA against plan.
    await page.locator('.status-table tbody th button').first().click();
    await page.getByTestId('company-status').locator('tbody tr').first().waitFor();

    // The page's own form posts a change too (admin ≥ planner), and its re-plan arrives.
    const form = page.locator('form.event-form');
    await form.getByLabel('Company', { exact: true }).fill('kempen');
    await form.getByLabel('Of', { exact: true }).selectOption('group');
    await form.getByLabel('Group').fill('kempen-clean-room');
    await form.getByLabel(/^From week/).fill('2');
    await form.getByLabel(/New capacity/).fill('10');
    await form.getByRole('button', { name: 'Post the change' }).click();
    const posted = page.getByRole('status').filter({ hasText: /Posted as event #\d+/ });
    await posted.waitFor();
    const ownSequence = Number(/#(\d+)/.exec(await posted.innerText())![1]);
    await page.locator('.live-line').getByText(`up to #${ownSequence}`).waitFor({ timeout: 30_000 });
    await expectClean(opened);
    await page.close();
  });

  it('stays live when the node drops the stream: an event appended while it was down arrives', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.goto(`${web.server.url}/networks/demo/status`);
    await page.locator('.status-table tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelector('.live-live') !== null);
    const token = await adminToken();
    // New tickets wait until the event is appended, so it lands while no stream is open: only a
    // reconnect that resumes from where the first stream started (its ready.from) sees it.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/v1/stream/ticket', async (route) => {
      await held;
      await route.continue();
    });
    // The node drops every connection, the stream's with them.
    web.server.app.server.closeAllConnections();
    await page.locator('.live-line .live-reconnecting').waitFor();
    expect(await page.locator('.live-line').innerText()).toContain(
      'Reconnecting (the connection to the node dropped)',
    );
    await screenshot(page, 'status-reconnecting');
    const sequence = await postCapacity(token, `e2e-dropped-${Date.now()}`, 4);
    release();
    await page.locator('.live-line').getByText(`#${sequence} capacity.changed`).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.live-live') !== null);
    // The browser reports the cut stream itself (the one error a dropped connection makes); no other.
    const cut = 'Failed to load resource: net::ERR_INCOMPLETE_CHUNKED_ENCODING';
    expect(opened.errors.filter((error) => error !== cut)).toEqual([]);
    opened.errors.length = 0;
    await expectClean(opened);
    await page.close();
  });

  it('waits for a plan the node is still computing: progress shown, asked again, then the answer', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    // The node's "not ready yet" (202 with Retry-After and the progress): 9 of 20 companies until the
    // test has seen it, then 18 of 20 until the test has seen that, then the answer (no race with time).
    let phase = 1;
    let refusals = 0;
    await page.route(
      (url) => url.pathname === '/api/v1/networks/demo/status',
      async (route) => {
        if (phase > 2) return route.continue();
        refusals++;
        await route.fulfill({
          status: 202,
          headers: { 'retry-after': '1', 'content-type': 'application/json' },
          body: JSON.stringify({
            message: "planning version 1 of 'demo'",
            progress: { done: 9 * phase, total: 20, unit: 'companies' },
          }),
        });
      },
    );
    await page.goto(`${web.server.url}/networks/demo/status`);
    const waiting = page.locator('.waiting');
    await waiting
      .getByText('The node is still computing the chain status: 45 % (9 of 20 companies)')
      .waitFor();
    expect(await waiting.innerText()).toContain('asks again by itself every 1 s');
    expect(await waiting.innerText()).toContain("The node said: planning version 1 of 'demo'");
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'status-not-ready');
    await expectClean(opened);
    // Asked again by itself: the next progress, then the answer.
    phase = 2;
    await waiting.getByText('90 % (18 of 20 companies)').waitFor();
    phase = 3;
    await page.locator('.status-table tbody tr').first().waitFor();
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.waiting').count()).toBe(0);
    await expectClean(opened);
    await page.close();
  });

  it('works on a tablet and refuses the event form to a viewer', async () => {
    const opened = await logIn(web, 'viewer', { width: 820, height: 1180 });
    const { page } = opened;
    await page.goto(`${web.server.url}/networks/demo/status`);
    await page.locator('.status-table tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'Post the change' }).count()).toBe(0);
    await screenshot(page, 'status-tablet');
    await page.goto(`${web.server.url}/networks/demo/plan`);
    await page.locator('.heat-map td.heat-cell').first().waitFor();
    await screenshot(page, 'plan-tablet');
    await expectClean(opened);
    await page.close();
  });
});
