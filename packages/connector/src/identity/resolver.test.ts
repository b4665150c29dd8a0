import { describe, expect, it } from 'vitest';
import { didDocument } from './did.ts';
import { generateNodeKeys } from './keys.ts';
import { createDidResolver, type FetchFunction } from './resolver.ts';

const DID = 'did:web:127.0.0.1%3A8101:nodes:oem';
const URL_OF_DID = 'http://127.0.0.1:8101/nodes/oem/did.json';

async function serving(document?: unknown) {
  const keys = await generateNodeKeys();
  const body = JSON.stringify(
    document ?? didDocument({ did: DID, keys, dspEndpoint: 'http://127.0.0.1:8101/nodes/oem/dsp/catalog' }),
  );
  const requested: string[] = [];
  const fetch: FetchFunction = async (url) => {
    requested.push(url);
    return { status: 200, text: async () => body };
  };
  return { keys, fetch, requested };
}

describe('DID resolver', () => {
  it('fetches the did:web document once and serves it from the cache until it goes stale', async () => {
    let clock = 1_000_000;
    const { keys, fetch, requested } = await serving();
    const resolver = createDidResolver({ fetch, now: () => clock, cacheTtlMs: 60_000 });
    const [first, second] = await Promise.all([resolver.resolve(DID), resolver.resolve(DID)]);
    expect(first.ok && first.value.authenticationKeys.has(`${DID}#${keys.keyId}`)).toBe(true);
    expect(second).toBe(first);
    await resolver.resolve(DID);
    expect(requested).toEqual([URL_OF_DID]);
    clock += 60_001;
    await resolver.resolve(DID);
    expect(requested).toHaveLength(2);
    resolver.forget(DID);
    await resolver.resolve(DID);
    expect(requested).toHaveLength(3);
  });

  it('gives up after the timeout', async () => {
    const fetch: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const resolved = await createDidResolver({ fetch, timeoutMs: 20 }).resolve(DID);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) {
      expect(resolved.error.reason).toBe('unreachable');
      expect(resolved.error.message).toContain('no answer within 20 ms');
    }
  });

  it('reports unreachable hosts, HTTP errors, junk, oversized and foreign documents, and does not cache failures', async () => {
    const answers: [FetchFunction, string, RegExp][] = [
      [async () => Promise.reject(new Error('connect ECONNREFUSED')), 'unreachable', /ECONNREFUSED/],
      [async () => ({ status: 404, text: async () => '' }), 'not-found', /HTTP 404/],
      [async () => ({ status: 200, text: async () => '<html>' }), 'invalid-document', /not JSON/],
      [
        async () => ({ status: 200, text: async () => `{"id":"${'x'.repeat(70_000)}"}` }),
        'invalid-document',
        /larger than 65536/,
      ],
      [
        async () => ({ status: 200, text: async () => '{"id":"did:web:evil.example"}' }),
        'invalid-document',
        /not did:web:127/,
      ],
    ];
    for (const [fetch, reason, message] of answers) {
      let calls = 0;
      const counting: FetchFunction = (url, init) => {
        calls += 1;
        return fetch(url, init);
      };
      const resolver = createDidResolver({ fetch: counting });
      const resolved = await resolver.resolve(DID);
      expect(resolved.ok).toBe(false);
      if (!resolved.ok) {
        expect(resolved.error.reason).toBe(reason);
        expect(resolved.error.message).toMatch(message);
      }
      await resolver.resolve(DID);
      expect(calls).toBe(2);
    }
    const invalid = await createDidResolver({ fetch: answers[0]![0] }).resolve('did:key:z6Mk');
    expect(!invalid.ok && invalid.error.reason).toBe('invalid-did');
  });

  it('refuses a document announced too large without reading it', async () => {
    let read = false;
    const fetch: FetchFunction = async () => ({
      status: 200,
      headers: { get: (name: string) => (name === 'content-length' ? '10000000' : null) },
      text: async () => {
        read = true;
        return '{}';
      },
    });
    const resolved = await createDidResolver({ fetch }).resolve(DID);
    expect(!resolved.ok && resolved.error.message).toMatch(/larger than 65536 bytes/);
    expect(read).toBe(false);
  });

  it('fetches over https for hosts other than loopback, and over http for all when configured', async () => {
    const { fetch, requested } = await serving({ id: 'did:web:supplier.example' });
    await createDidResolver({ fetch }).resolve('did:web:supplier.example');
    await createDidResolver({ fetch, http: 'always' }).resolve('did:web:supplier.example');
    await createDidResolver({ fetch, http: 'never' }).resolve(DID);
    expect(requested).toEqual([
      'https://supplier.example/.well-known/did.json',
      'http://supplier.example/.well-known/did.json',
      'https://127.0.0.1:8101/nodes/oem/did.json',
    ]);
  });

  it('takes primed documents without fetching', async () => {
    const keys = await generateNodeKeys();
    const fetch: FetchFunction = async () => Promise.reject(new Error('no network in this test'));
    const resolver = createDidResolver({ fetch });
    expect(resolver.prime(DID, didDocument({ did: DID, keys, dspEndpoint: 'x/catalog' })).ok).toBe(true);
    expect((await resolver.resolve(DID)).ok).toBe(true);
    expect(resolver.prime(DID, { id: 'did:web:other' }).ok).toBe(false);
  });
});
