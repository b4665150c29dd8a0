/**
 * fast-check fuzzing of every parser identity has at its edges: DIDs and base URLs, DID documents,
 * join request bodies, key files and membership files. None may throw; none may accept junk.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { didDocument, didDocumentUrl, didFromBaseUrl, parseDidDocument } from './did.ts';
import { loadMembership, MEMBERSHIP_FILE_NAME } from './join.ts';
import { generateNodeKeys, KEY_FILE_NAME, loadNodeKeys } from './keys.ts';
import { createTestNetwork } from './test-network.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keten-fuzz-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('identity parsers under fuzzing', () => {
  it('DIDs and base URLs: any string gives a value or a reason', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((text) => `did:web:${text}`),
          fc.webUrl(),
        ),
        (text) => {
          const url = didDocumentUrl(text);
          const did = didFromBaseUrl(text);
          return (url.ok || url.error.message.length > 0) && (did.ok || did.error.message.length > 0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('DID documents: random JSON and mutated documents never throw, and keys only come from valid JWKs', async () => {
    const keys = await generateNodeKeys();
    const did = 'did:web:example.com';
    const good = didDocument({ did, keys, dspEndpoint: 'https://example.com/dsp/catalog' });
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const parsed = parseDidDocument(json, did);
        return !parsed.ok || parsed.value.authenticationKeys.size === 0;
      }),
      { numRuns: 1_000 },
    );
    const field = fc.constantFrom('id', 'verificationMethod', 'authentication', 'assertionMethod', 'service');
    fc.assert(
      fc.property(field, fc.jsonValue(), (name, value) => {
        const parsed = parseDidDocument({ ...good, [name]: value }, did);
        if (!parsed.ok) return parsed.error.length > 0;
        // Whatever was replaced, a key it yields is the document's own key.
        return [...parsed.value.authenticationKeys.values(), ...parsed.value.assertionKeys.values()].every(
          (key) => key.export({ format: 'jwk' }).x === keys.publicJwk.x,
        );
      }),
      { numRuns: 1_000 },
    );
  });

  it('join requests: random bodies are refused, never granted, never thrown', async () => {
    const network = createTestNetwork();
    const oem = await network.addNode('http://127.0.0.1:8101/nodes/oem', 'BPNL00000000OEM1', 'OEM');
    const authority = network.makeAuthority('http://127.0.0.1:8101/nodes/oem', oem, 'keten-demo', {
      kind: 'open',
    });
    const token = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.string())
      .map(([header, payload, signature]) =>
        [JSON.stringify(header), JSON.stringify(payload), signature]
          .map((part) => Buffer.from(part ?? '').toString('base64url'))
          .join('.'),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          token.map((joinRequest) => ({ joinRequest })),
        ),
        async (body) => {
          const answer = await authority.handleJoinRequest(body);
          return !answer.ok && answer.error.message.length > 0;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('key and membership files: random content is refused as invalid', async () => {
    const keyFile = join(dataDir, KEY_FILE_NAME);
    const membershipFile = join(dataDir, MEMBERSHIP_FILE_NAME);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((value) => JSON.stringify(value)),
        ),
        async (content) => {
          await writeFile(keyFile, content, { mode: 0o600 });
          await writeFile(membershipFile, content, { mode: 0o600 });
          const keys = await loadNodeKeys(keyFile);
          const membership = await loadMembership(dataDir);
          return (
            !keys.ok &&
            keys.error.reason === 'invalid' &&
            !membership.ok &&
            membership.error.reason === 'invalid'
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
