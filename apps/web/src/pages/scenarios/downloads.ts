/**
 * @module pages/scenarios/downloads
 * Files the studio hands to the user: text saved as a download, and the simulation's HTML report
 * (`POST /api/v1/networks/:name/simulate?format=html`: the report of `keten simulate --report`, made
 * by the node from the same scenario, runs and seed, so the same figures as the run shown).
 */
import type { Scenario } from '@keten/core';
import { ApiFailure, sessionToken } from '../../api/client.ts';

/** Offers `text` as a file named `name`. */
export function saveText(name: string, text: string, type: string): void {
  saveBlob(name, new Blob([text], { type }));
}

function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Asks the node for the HTML report of `scenario` and offers it as a file; failures as `ApiFailure`. */
export async function downloadReport(
  network: string,
  scenario: Scenario,
  runs: number,
  seed: number,
): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/html' };
  const token = sessionToken.get();
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`/api/v1/networks/${encodeURIComponent(network)}/simulate?format=html`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ scenario, runs, seed }),
    });
  } catch {
    throw new ApiFailure(0, { code: 'network-unreachable', message: 'the keten node did not answer' });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code: string; message: string } }
      | undefined;
    throw new ApiFailure(
      response.status,
      body?.error ?? { code: 'bad-answer', message: `the node answered ${response.status}` },
    );
  }
  const name = `${scenario.name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'scenario'}-report.html`;
  saveBlob(name, await response.blob());
}
