/**
 * The network views with 60,000 companies (the seed's ambition), generated as `keten generate
 * --companies 60000 --seed 7` does: the graph page (WebGL, in software here: no GPU) and the map load,
 * then pan and zoom with the mouse while the page records its frames. Prints load and frame times
 * (figures for the README, not assertions: the machine is shared); asserts only that the views come
 * up, answer, and log no error. KETEN_LARGE_COMPANIES sets another size.
 */
import { generateNetwork } from '@keten/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_AVAILABLE, logIn, screenshot, startWeb, type WebFixture } from './support.ts';

const COMPANIES = Number(process.env.KETEN_LARGE_COMPANIES ?? 60_000);
let web: WebFixture;
let prepared = '';

beforeAll(async () => {
  if (!CHROMIUM_AVAILABLE) return;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const network = generateNetwork({ companies: COMPANIES, seed: 7 });
  web = await startWeb({ networks: { large: network } });
  const used = process.cpuUsage(cpu);
  prepared = `generated and stored in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`;
}, 600_000);
afterAll(async () => {
  await web?.close();
});

interface Frames {
  readonly frames: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly worstMs: number;
}

/** Pans and zooms over `selector` with the mouse for a few seconds, recording the page's frames. */
async function panAndZoom(page: Page, selector: string): Promise<Frames> {
  await page.evaluate(() => {
    const times: number[] = [];
    (window as unknown as { ketenFrames: number[] }).ketenFrames = times;
    (window as unknown as { ketenStop: boolean }).ketenStop = false;
    const tick = (time: number) => {
      times.push(time);
      if (times.length < 100_000 && !(window as unknown as { ketenStop?: boolean }).ketenStop) {
        requestAnimationFrame(tick);
      }
    };
    requestAnimationFrame(tick);
  });
  const box = (await page.locator(selector).boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  for (let step = 0; step < 8; step++) {
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(60);
  }
  await page.mouse.down();
  for (let step = 0; step < 30; step++) {
    await page.mouse.move(cx + Math.sin(step / 5) * 150, cy + Math.cos(step / 5) * 80);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  for (let step = 0; step < 8; step++) {
    await page.mouse.wheel(0, 120);
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(500);
  const times = await page.evaluate(() => {
    (window as unknown as { ketenStop: boolean }).ketenStop = true;
    return (window as unknown as { ketenFrames: number[] }).ketenFrames;
  });
  const gaps = times
    .slice(1)
    .map((time, index) => time - times[index]!)
    .sort((a, b) => a - b);
  const at = (share: number) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * share))] ?? 0;
  return { frames: gaps.length, medianMs: at(0.5), p95Ms: at(0.95), worstMs: gaps.at(-1) ?? 0 };
}

function describeFrames(frames: Frames): string {
  return `${frames.frames} frames, median ${frames.medianMs.toFixed(1)} ms, p95 ${frames.p95Ms.toFixed(1)} ms, worst ${frames.worstMs.toFixed(0)} ms`;
}

describe.skipIf(!CHROMIUM_AVAILABLE && !process.env.CI)(
  `the network views with ${COMPANIES} companies`,
  () => {
    it('loads the graph and the map, which pan and zoom', async () => {
      expect(CHROMIUM_AVAILABLE, `${CHROMIUM} is needed for this test`).toBe(true);
      const opened = await logIn(web);
      const { page } = opened;
      const figures: string[] = [`${COMPANIES} companies ${prepared}`];

      let started = performance.now();
      await page.goto(`${web.server.url}/networks/large/graph`);
      await page.locator('.sigma-container[data-ready="true"]').waitFor({ timeout: 300_000 });
      figures.push(`graph page: first view ${((performance.now() - started) / 1000).toFixed(1)} s`);
      figures.push(`graph ${(await page.locator('.side .muted').last().innerText()).replace(/\s+/g, ' ')}`);
      figures.push(`graph pan/zoom: ${describeFrames(await panAndZoom(page, '.sigma-container'))}`);
      await page.getByLabel('Find a company').fill('a');
      await page
        .getByRole('button', { name: /^Show / })
        .first()
        .click();
      await page
        .getByRole('complementary', { name: 'Legend and selection' })
        .getByRole('link')
        .first()
        .waitFor();
      await page.waitForTimeout(800);
      await screenshot(page, 'large-graph');

      started = performance.now();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).click();
      await page.locator('.view-canvas[data-draw-ms]').waitFor({ timeout: 300_000 });
      figures.push(
        `map page (graph kept in memory): first view ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      figures.push(`map full draw ${await page.locator('.view-canvas').getAttribute('data-draw-ms')} ms`);
      figures.push(`map pan/zoom: ${describeFrames(await panAndZoom(page, '.view-canvas canvas'))}`);
      await screenshot(page, 'large-map');

      const load = (await import('node:os')).loadavg().map((value) => value.toFixed(1));
      console.log(`[web 60k] ${figures.join('\n[web 60k] ')}\n[web 60k] load average ${load.join(' ')}`);
      expect(opened.errors).toEqual([]);
      await page.close();
    }, 900_000);
  },
);
