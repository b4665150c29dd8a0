/**
 * For tests: the demo network, its OEM and a tier-1 supplier with their partner views, and the item
 * the OEM buys from that supplier.
 */
import { readFileSync } from 'node:fs';
import { loadNetworkFile, partnerView } from '@keten/core';

const path = new URL('../../../../examples/demo-network.yaml', import.meta.url).pathname;
const loaded = loadNetworkFile({ name: path, text: readFileSync(path, 'utf8') });
if (!loaded.ok) throw new Error('the demo network does not load');
export const demo = loaded.value.network;
export const OEM = 'kempen';
export const TIER1 = 'steinhof-optics';
export const oemView = partnerView(demo, OEM)!;
export const tier1View = partnerView(demo, TIER1)!;
/** An item the OEM buys from tier 1. */
export const item = (demo.sourcing ?? []).find(
  (rule) => rule.buyer === OEM && rule.suppliers.some((line) => line.supplier === TIER1),
)!.item;
