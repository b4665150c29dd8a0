/**
 * The web app's foundation and network pages in Chromium, on the demo network: log in (and a wrong
 * password shown as the API's error), the networks page, the world map, the tiered graph (WebGL), a
 * company found by search and its page with its suppliers' shares, a link to a supplier's page, the
 * role rules (a viewer sees no admin page), and a tablet viewport. On every page: axe-core finds no
 * serious or critical violation, the console no error, and nothing is fetched from another origin.
 * A screenshot per page goes to artifacts/screenshots/. Needs /usr/bin/chromium; skipped without it,
 * except in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNetworkFile, type Network } from '@keten/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  CHROMIUM_AVAILABLE,
  logIn,
  type OpenedPage,
  PASSWORD,
  ROOT,
  screenshot,
  seriousViolations,
  startWeb,
  type WebFixture,
} from './support.ts';

const loadedDemo = loadNetworkFile({
  name: 'demo-network.yaml',
  text: readFileSync(join(ROOT, 'examples/demo-network.yaml'), 'utf8'),
});
if (!loadedDemo.ok) throw new Error('the demo network does not load');
const DEMO: Network = loadedDemo.value.network;

let web: WebFixture;
beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  web = await startWeb({ networks: { demo: DEMO }, users: ['viewer'] });
}, 300_000);
afterAll(async () => {
  await web?.close();
});

/** The page passes the quality bars: no serious accessibility problem, no console error, no other origin. */
async function expectClean(opened: OpenedPage): Promise<void> {
  expect(await seriousViolations(opened.page)).toEqual([]);
  expect(opened.errors).toEqual([]);
  expect(opened.elsewhere).toEqual([]);
}

describe.skipIf(!CHROMIUM_AVAILABLE && !process.env.CI)('the web app in Chromium', () => {
  it('needs Chromium', () => {
    expect(CHROMIUM_AVAILABLE, `${CHROMIUM} is needed for these tests (apt-get install chromium)`).toBe(true);
  });

  it('shows the login page and a wrong password as the API says it', async () => {
    const page = await web.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${web.server.url}/networks/demo/map`);
    await page.getByRole('heading', { name: /log in/i }).waitFor();
    expect(await page.title()).toBe('Log in · keten');
    await screenshot(page, 'login');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(`${PASSWORD} but wrong`);
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('wrong user name or password');
    expect(await alert.innerText()).toContain('unauthenticated');
    // The console reports the 401 of the refused login: that one is expected; no script error is.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists the networks after login, with the user and role, and the admin pages for an admin', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.getByRole('heading', { name: 'Networks' }).waitFor();
    // The heading is drawn before the list has loaded: wait for the list, then count.
    await page.locator('.card').first().waitFor();
    expect(await page.getByRole('link', { name: 'demo', exact: true }).count()).toBe(1);
    expect(await page.locator('.card').first().innerText()).toMatch(/44 companies in 4 tiers/);
    expect(await page.locator('.topbar-user').innerText()).toContain('admin');
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(),
    ).toBe(1);
    await screenshot(page, 'networks');
    await expectClean(opened);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('cell', { name: 'viewer' }).first().waitFor();
    await expectClean(opened);
    await page.close();
  });

  it('hides and refuses the admin pages to a viewer', async () => {
    const opened = await logIn(web, 'viewer');
    const { page } = opened;
    await page.getByRole('heading', { name: 'Networks' }).waitFor();
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count(),
    ).toBe(0);
    await page.goto(`${web.server.url}/users`);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('needs the admin role; you are a viewer');
    await expectClean(opened);
    await page.close();
  });

  it('draws the world map with lanes by mode, zooms, and shows a company found by search', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.getByRole('link', { name: 'Map' }).first().click();
    await page.getByRole('heading', { name: 'Map of demo' }).waitFor();
    const map = page.locator('.view-canvas[data-ready="true"]');
    await map.waitFor();
    await page.waitForFunction(
      () => document.querySelector('.view-canvas')?.getAttribute('data-draw-ms') !== null,
    );
    // Every transport mode of the demo has its colour in the legend.
    const legend = await page.getByRole('complementary', { name: 'Legend and selection' }).innerText();
    for (const mode of ['road', 'sea', 'air']) expect(legend).toContain(mode);
    // The canvas is drawn: many distinct colours (sea, land, lanes, dots), not a blank rectangle.
    expect(await distinctColours(page)).toBeGreaterThan(20);
    expect(await page.locator('.toolbar-figures').innerText()).toMatch(
      /44 companies of 44 companies, \d+ lanes/,
    );
    await screenshot(page, 'network-map');
    // The keyboard: Tab reaches the map (the zoom buttons come after it), which shows its focus;
    // arrow keys pan, + and − zoom about the middle, 0 shows the whole world again.
    const view = async () =>
      (await map.getAttribute('data-view'))!.split(' ').map(Number) as [number, number, number];
    expect(await view()).toEqual([1, 0, 0]);
    await page.getByLabel('Find a company').focus();
    await tabTo(page, '.view-canvas');
    expect(await outline(page)).toBe('3px solid');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await expect.poll(view).toEqual([1, 60, 60]);
    await page.keyboard.press('+');
    await expect.poll(async () => (await view())[0]).toBe(1.5);
    await screenshot(page, 'network-map-keyboard');
    await page.keyboard.press('-');
    await page.keyboard.press('0');
    await expect.poll(view).toEqual([1, 0, 0]);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByLabel('Find a company').fill('brno');
    await page
      .getByRole('button', { name: /^Show Brno/ })
      .first()
      .click();
    const side = page.getByRole('complementary', { name: 'Legend and selection' });
    await side.getByRole('heading', { name: /Brno/ }).waitFor();
    await screenshot(page, 'network-map-search');
    await expectClean(opened);
    // A filter by tier narrows the map and stays in the address.
    await page.getByLabel('Tier').selectOption('1');
    await page.waitForURL(/tier=1/);
    expect(await page.locator('.toolbar-figures').innerText()).not.toMatch(/^44 companies of/);
    await page.close();
  });

  it('draws the tiered graph in WebGL and opens a company from it', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.goto(`${web.server.url}/networks/demo/graph`);
    await page.getByRole('heading', { name: 'Graph of demo' }).waitFor();
    await page.locator('.sigma-container[data-ready="true"]').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('.sigma-container canvas').count()).toBeGreaterThan(0);
    await screenshot(page, 'network-graph');
    // The keyboard: Tab reaches the graph, which shows its focus; arrow keys pan, + and − zoom, 0 shows
    // the whole network.
    const graph = page.locator('.graph-canvas');
    const camera = async () =>
      (await graph.getAttribute('data-camera'))!.split(' ').map(Number) as [number, number, number];
    const [x0, y0, ratio0] = await camera();
    await page.getByLabel('Find a company').focus();
    await tabTo(page, '.graph-canvas');
    expect(await outline(page)).toBe('3px solid');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await camera())[0]).toBeLessThan(x0);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('+');
    await expect.poll(async () => (await camera())[2]).toBeCloseTo(ratio0 / 1.5, 3);
    expect((await camera())[1]).not.toBeCloseTo(y0, 3);
    await screenshot(page, 'network-graph-keyboard');
    await page.keyboard.press('-');
    await expect.poll(async () => (await camera())[2]).toBeCloseTo(ratio0, 3);
    await page.keyboard.press('0');
    await expect.poll(camera).toEqual([0.5, 0.5, 1]);
    await page.getByLabel('Find a company').fill('kempen');
    await page.getByRole('button', { name: /^Show Kempen Instruments/ }).click();
    const side = page.getByRole('complementary', { name: 'Legend and selection' });
    await side.getByRole('heading', { name: 'Kempen Instruments B.V.' }).waitFor();
    expect(await side.innerText()).toContain('tier 0 (sells to end customers)');
    await page.waitForTimeout(700);
    await screenshot(page, 'network-graph-selected');
    await expectClean(opened);
    await side.getByRole('link', { name: /Open the page of Kempen/ }).click();
    await page.getByRole('heading', { name: 'Kempen Instruments B.V.', level: 1 }).waitFor();
    await page.close();
  });

  it("shows a company's page: what it makes, buys from whom in which shares, and links on", async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.goto(`${web.server.url}/networks/demo/companies/kempen`);
    await page.getByRole('heading', { name: 'Kempen Instruments B.V.', level: 1 }).waitFor();
    const buys = page.locator('section[aria-labelledby="buys"]');
    const text = await buys.innerText();
    expect(text).toMatch(/\d+ %/);
    expect(text).toMatch(/\d+ weeks?/);
    const makes = await page.locator('section[aria-labelledby="makes"]').innerText();
    expect(makes).toMatch(/\d[\d,.]* pcs\/week/);
    await screenshot(page, 'company');
    await expectClean(opened);
    const supplier = buys.getByRole('link').first();
    const name = await supplier.innerText();
    await supplier.click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    expect(await page.locator('section[aria-labelledby="sells"]').innerText()).toContain(
      'Kempen Instruments B.V.',
    );
    await expectClean(opened);
    // A company that does not exist: the API's error, shown as such.
    await page.goto(`${web.server.url}/networks/demo/companies/nobody`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain("has no company 'nobody'");
    expect(await alert.innerText()).toContain('not-found');
    await page.close();
  });

  it('works on a tablet: the navigation moves to the top, the map fills the width', async () => {
    const opened = await logIn(web, 'admin', { width: 820, height: 1180 });
    const { page } = opened;
    // A first view of the demo's map from a fresh load of the page (a figure, printed).
    const started = performance.now();
    await page.goto(`${web.server.url}/networks/demo/map`);
    await page.locator('.view-canvas[data-draw-ms]').waitFor();
    const load = (await import('node:os')).loadavg().map((value) => value.toFixed(1));
    console.log(
      `[web demo] map first view from a page load: ${Math.round(performance.now() - started)} ms (load average ${load.join(' ')})`,
    );
    const box = await page.locator('.view-canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(700);
    await screenshot(page, 'network-map-tablet');
    await expectClean(opened);
    await page.close();
  });

  it('is navigable by keyboard: the skip link, then the navigation', async () => {
    const opened = await logIn(web);
    const { page } = opened;
    await page.reload();
    await page.getByRole('heading', { name: 'Networks' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const focused: string[] = [];
    for (let step = 0; step < 6; step++) {
      await page.keyboard.press('Tab');
      focused.push((await page.evaluate(() => document.activeElement?.textContent)) ?? '');
    }
    expect(focused).toContain('Networks');
    expect(focused).toContain('Log out');
    await page.close();
  });
});

/** Distinct colours in a sample of the map canvas's pixels. */
async function distinctColours(page: OpenedPage['page']): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector('.view-canvas canvas') as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    for (let offset = 0; offset < data.length; offset += 4 * 97) {
      colours.add((data[offset]! << 16) | (data[offset + 1]! << 8) | data[offset + 2]!);
    }
    return colours.size;
  });
}

/** Presses Tab until the element matching `selector` has the focus (at most 30 times). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 30; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) === true, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** The focused element's outline as width and style, e.g. `3px solid`: the visible focus. */
function outline(page: Page): Promise<string> {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return `${style.outlineWidth} ${style.outlineStyle}`;
  });
}
