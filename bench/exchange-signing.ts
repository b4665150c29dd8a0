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
 * - jose sign / verify: the same claims signed and checked with `jose` (WebCrypto), for comparison with
 *   the `node:crypto` hot path `compact-jws.ts` uses.
 *
 * Printed, never asserted. DID documents are served by an in-memory fetch, so no socket is timed.
 */
import { readFileSync } from 'node:fs';
import { jwtVerify, SignJWT } from 'jose';
import {
  createMembershipVerifier,
  issueMembershipCredential,
} from '../packages/connector/src/identity/membership.ts';
import { MemoryReplayGuard } from '../packages/connector/src/identity/replay-guard.ts';
import { createRequestVerifier, signRequest } from '../packages/connector/src/identity/request-auth.ts';
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

function perSecond(count: number, milliseconds: number): string {
  return Math.round(count / (milliseconds / 1000)).toLocaleString('en-US');
}

async function time(count: number, work: (index: number) => unknown): Promise<number> {
  // Warm-up on indexes after the timed ones, so that no token is used twice.
  for (let index = count; index < count + 200; index += 1) await work(index);
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await work(index);
  return performance.now() - started;
}

console.log('keten bench exchange-signing');
console.log(`machine: ${describeMachine()}`);
console.log(
  `body: WeekBasedMaterialDemand 3.0.1 sample, ${Buffer.byteLength(BODY)} bytes; ${COUNT.toLocaleString('en-US')} requests each\n`,
);

const rows: (string | number)[][] = [];
const tokenLength = sign().length;

const signMs = await time(COUNT, sign);
rows.push(['sign (signRequest)', perSecond(COUNT, signMs), (signMs / COUNT).toFixed(3)]);

const warm = createRequestVerifier({ ...verifierOptions, replayGuard: new MemoryReplayGuard() });
const warmTokens = Array.from({ length: COUNT + 200 }, sign);
let refused = 0;
const verifyMs = await time(COUNT, async (index) => {
  const result = await warm.verifyRequest({
    authorization: warmTokens[index],
    method: 'POST',
    path: PATH,
    body: BODY,
  });
  if (!result.ok) refused += 1;
});
rows.push(['verify, warm caches (verifyRequest)', perSecond(COUNT, verifyMs), (verifyMs / COUNT).toFixed(3)]);

const coldCount = Math.ceil(COUNT / 5);
const cold = createRequestVerifier({
  ...verifierOptions,
  replayGuard: new MemoryReplayGuard(),
  membership: createMembershipVerifier({
    resolver,
    trustedAuthorities: [oem.did],
    network: 'keten-demo',
    cacheSize: 0,
  }),
});
const coldTokens = Array.from({ length: coldCount + 200 }, sign);
const coldMs = await time(coldCount, async (index) => {
  const result = await cold.verifyRequest({
    authorization: coldTokens[index],
    method: 'POST',
    path: PATH,
    body: BODY,
  });
  if (!result.ok) refused += 1;
});
rows.push([
  'verify, credential checked each time',
  perSecond(coldCount, coldMs),
  (coldMs / coldCount).toFixed(3),
]);

const claims = {
  iss: oem.did,
  sub: oem.did,
  aud: supplier.did,
  htm: 'POST',
  path: PATH,
  membership: credential,
};
const joseCount = Math.ceil(COUNT / 5);
let joseToken = '';
const joseSignMs = await time(joseCount, async () => {
  joseToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA' })
    .setJti('x')
    .setIssuedAt()
    .sign(oem.keys.privateKey);
});
rows.push(['jose sign (comparison)', perSecond(joseCount, joseSignMs), (joseSignMs / joseCount).toFixed(3)]);
const joseVerifyMs = await time(joseCount, () => jwtVerify(joseToken, oem.keys.publicKey));
rows.push([
  'jose verify (comparison)',
  perSecond(joseCount, joseVerifyMs),
  (joseVerifyMs / joseCount).toFixed(3),
]);

console.log(table(['operation', 'per second', 'ms each'], rows));
console.log(
  `\ntoken (Authorization header) length: ${tokenLength} characters; refused in the verify runs: ${refused}`,
);
