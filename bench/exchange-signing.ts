/**
 * @module bench/exchange-signing
 * `node --import tsx bench/exchange-signing.ts [COUNT]`: how many protocol requests per second one node
 * can sign and verify (issue 5: over 2,000 signed messages per second per node on 2 cores), on one
 * thread, with the upstream WeekBasedMaterialDemand 3.0.1 sample as the body.
 *
 * - sign: `signRequest` (SHA-256 of the body, Ed25519 over the token);
 * - verify: `verifyRequest` on fresh tokens with warm caches (the sender's DID document and its
 *   membership credential already checked once), every check included (body hash, the credential's
 *   expiry and subject, the signature, the replay guard);
 * - verify, cold credential: the same with the credential cache off, so each request also pays for the
 *   credential's signature (checked with `jose`): the cost when every request comes from a new member;
 * - compact-jws and jose: the same claims signed and checked by `compact-jws.ts` (`node:crypto`, the hot
 *   path) and by `jose` (WebCrypto), the comparison behind that choice.
 *
 * Each row gives the rate by wall clock and per CPU second of this process (steadier on a shared machine).
 *
 * Printed, never asserted. DID documents are served by an in-memory fetch, so no socket is timed.
 */
import { readFileSync } from 'node:fs';
import { jwtVerify, SignJWT } from 'jose';
import { decodeCompact, signCompact, verifyCompact } from '../packages/connector/src/identity/compact-jws.ts';
import {
  createMembershipVerifier,
  issueMembershipCredential,
} from '../packages/connector/src/identity/membership.ts';
import { MemoryReplayGuard } from '../packages/connector/src/identity/replay-guard.ts';
import {
  createRequestVerifier,
  type RequestVerifier,
  signRequest,
} from '../packages/connector/src/identity/request-auth.ts';
import { createDidResolver } from '../packages/connector/src/identity/resolver.ts';
import { createTestNetwork } from '../packages/connector/src/identity/test-network.ts';
import { describeMachine, table } from './machine.ts';

const COUNT = Number(process.argv[2] ?? 5_000);
const BODY = readFileSync(
  '/work/shared/vectors/catena-x/io.catenax.week_based_material_demand/3.0.1/gen/WeekBasedMaterialDemand.json',
  'utf8',
);
const PATH = '/nodes/s1/dsp/transfers/urn:uuid:1/data';

const network = createTestNetwork();
const oem = await network.addNode('http://127.0.0.1:8101/nodes/oem', 'BPNL00000000OEM1', 'OEM');
const supplier = await network.addNode('http://127.0.0.1:8102/nodes/s1', 'BPNL000000000S01', 'Supplier 1');
const credential = await issueMembershipCredential({ authority: oem, member: oem, network: 'keten-demo' });
const resolver = createDidResolver({ fetch: network.fetch });
const verifierOptions = {
  did: supplier.did,
  resolver,
  trustedAuthorities: [oem.did],
  network: 'keten-demo',
};

const sign = () =>
  signRequest({ identity: oem, credential, audience: supplier.did, method: 'POST', path: PATH, body: BODY });

const rows: string[][] = [];

/**
 * Runs `work` `count` times after a warm-up and adds a row: rate by wall clock and by this process's
 * CPU time (user + system), which moves less when other work shares the machine.
 */
async function measure(label: string, count: number, work: (index: number) => unknown): Promise<void> {
  // Warm-up on indexes after the timed ones, so that no token is used twice.
  for (let index = count; index < count + 200; index += 1) await work(index);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await work(index);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rate = (milliseconds: number) => Math.round(count / (milliseconds / 1000)).toLocaleString('en-US');
  rows.push([label, rate(wallMs), rate(cpuMs), (wallMs / count).toFixed(3)]);
}

let refused = 0;
async function measureVerifier(label: string, count: number, verifier: RequestVerifier): Promise<void> {
  const tokens = Array.from({ length: count + 200 }, sign);
  await measure(label, count, async (index) => {
    const result = await verifier.verifyRequest({
      authorization: tokens[index],
      method: 'POST',
      path: PATH,
      body: BODY,
    });
    if (!result.ok) refused += 1;
  });
}

console.log('keten bench exchange-signing');
console.log(`machine: ${describeMachine()}`);
console.log(
  `body: WeekBasedMaterialDemand 3.0.1 sample, ${Buffer.byteLength(BODY)} bytes; ${COUNT.toLocaleString('en-US')} requests each\n`,
);
const tokenLength = sign().length;

await measure('sign (signRequest)', COUNT, sign);
await measureVerifier(
  'verify, warm caches (verifyRequest)',
  COUNT,
  createRequestVerifier({ ...verifierOptions, replayGuard: new MemoryReplayGuard() }),
);
await measureVerifier(
  'verify, credential checked each time',
  Math.ceil(COUNT / 5),
  createRequestVerifier({
    ...verifierOptions,
    replayGuard: new MemoryReplayGuard(),
    membership: createMembershipVerifier({
      resolver,
      trustedAuthorities: [oem.did],
      network: 'keten-demo',
      cacheSize: 0,
    }),
  }),
);

const claims = {
  iss: oem.did,
  sub: oem.did,
  aud: supplier.did,
  htm: 'POST',
  path: PATH,
  membership: credential,
};
// The same claims through both JWS implementations: compact-jws.ts (node:crypto) and jose (WebCrypto).
const joseCount = Math.ceil(COUNT / 5);
const ours = signCompact(claims, oem.keys.privateKey);
const decoded = decodeCompact(ours);
if (!decoded.ok) throw new Error(decoded.error);
await measure('compact-jws sign (node:crypto)', joseCount, () => signCompact(claims, oem.keys.privateKey));
await measure('compact-jws decode + verify', joseCount, () => {
  const again = decodeCompact(ours);
  return again.ok && verifyCompact(again.value, oem.keys.publicKey);
});
let joseToken = '';
await measure('jose sign (WebCrypto)', joseCount, async () => {
  joseToken = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(oem.keys.privateKey);
});
await measure('jose verify (WebCrypto)', joseCount, () => jwtVerify(joseToken, oem.keys.publicKey));

console.log(table(['operation', 'per second (wall)', 'per CPU second', 'ms each (wall)'], rows));
console.log(
  `\ntoken (Authorization header) length: ${tokenLength} characters; refused in the verify runs: ${refused}`,
);
