import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didDocument, didDocumentPath, didDocumentUrl, didFromBaseUrl, parseDidDocument } from './did.ts';
import { generateNodeKeys, privateJwkOf } from './keys.ts';

const DSP_COMMON = '/work/shared/vectors/dataspace-protocol/artifacts/src/main/resources/common';

const urlOf = (did: string, http?: 'never' | 'loopback' | 'always') => {
  const url = didDocumentUrl(did, http);
  return url.ok ? url.value.href : url.error.reason;
};

describe('did:web identifiers', () => {
  it('reads the did:web specification examples (W3C CCG did:web §3.3)', () => {
    expect(urlOf('did:web:w3c-ccg.github.io')).toBe('https://w3c-ccg.github.io/.well-known/did.json');
    expect(urlOf('did:web:w3c-ccg.github.io:user:alice')).toBe(
      'https://w3c-ccg.github.io/user/alice/did.json',
    );
    expect(urlOf('did:web:example.com%3A3000:user:alice')).toBe(
      'https://example.com:3000/user/alice/did.json',
    );
  });

  it('derives a node identifier from its base URL, and the document URL back', () => {
    const did = didFromBaseUrl('http://127.0.0.1:8101/nodes/oem');
    expect(did).toEqual({ ok: true, value: 'did:web:127.0.0.1%3A8101:nodes:oem' });
    expect(urlOf('did:web:127.0.0.1%3A8101:nodes:oem')).toBe('http://127.0.0.1:8101/nodes/oem/did.json');
    expect(didFromBaseUrl('https://Keten.Example.com/')).toEqual({
      ok: true,
      value: 'did:web:keten.example.com',
    });
    expect(didDocumentPath('https://keten.example.com')).toEqual({
      ok: true,
      value: '/.well-known/did.json',
    });
    expect(didDocumentPath('http://localhost:8101/nodes/oem/')).toEqual({
      ok: true,
      value: '/nodes/oem/did.json',
    });
  });

  it('uses plain http only for loopback, or for every host when configured', () => {
    expect(urlOf('did:web:localhost%3A9000')).toBe('http://localhost:9000/.well-known/did.json');
    expect(urlOf('did:web:127.0.0.1%3A8101:x', 'never')).toBe('https://127.0.0.1:8101/x/did.json');
    expect(urlOf('did:web:supplier.lan%3A8101', 'always')).toBe(
      'http://supplier.lan:8101/.well-known/did.json',
    );
    expect(urlOf('did:web:supplier.lan%3A8101')).toBe('https://supplier.lan:8101/.well-known/did.json');
    const refused = didFromBaseUrl('http://192.168.1.20:8101');
    expect(!refused.ok && refused.error.reason).toBe('http-not-allowed');
    expect(didFromBaseUrl('http://192.168.1.20:8101', 'always').ok).toBe(true);
  });

  it('refuses base URLs and DIDs it cannot express, with a reason', () => {
    for (const url of [
      'not a url',
      'ftp://example.com',
      'https://u:p@example.com',
      'https://example.com/?a=1',
      'https://[::1]:80/',
    ]) {
      const did = didFromBaseUrl(url);
      expect(did.ok).toBe(false);
      if (!did.ok) expect(did.error.reason).toBe('invalid-url');
    }
    for (const did of [
      'did:key:z6Mk',
      'did:web:',
      'did:web:example.com::x',
      'did:web:exa mple.com',
      'did:web:example.com%3A99999',
      'did:web:example.com#key',
      'did:web:example.com/x',
    ]) {
      expect(urlOf(did)).toBe('invalid-did');
    }
  });

  it('round-trips any base URL: its document lies at <base>/did.json', () => {
    const segment = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((text) => text !== '.' && text !== '..');
    fc.assert(
      fc.property(
        fc.domain(),
        fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
        fc.array(segment, { maxLength: 4 }),
        (host, port, segments) => {
          const base = new URL(`https://${host}${port === undefined ? '' : `:${port}`}/`);
          base.pathname = segments.map(encodeURIComponent).join('/');
          const did = didFromBaseUrl(base.href);
          if (!did.ok) return false;
          const documentUrl = didDocumentUrl(did.value);
          if (!documentUrl.ok) return false;
          const expected = new URL(base.href);
          expected.pathname =
            base.pathname === '/' ? '/.well-known/did.json' : `${base.pathname.replace(/\/$/, '')}/did.json`;
          // Both URLs name the same resource once percent-encoding is normalised (RFC 3986 §6.2.2).
          return decodeURIComponent(documentUrl.value.href) === decodeURIComponent(expected.href);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('DID documents', () => {
  it('publishes the key for authentication and assertions, and a DataService valid under DSP 2025-1', async () => {
    const keys = await generateNodeKeys();
    const did = 'did:web:127.0.0.1%3A8101:nodes:oem';
    const document = didDocument({ did, keys, dspEndpoint: 'http://127.0.0.1:8101/nodes/oem/dsp/catalog' });
    const keyId = `${did}#${keys.keyId}`;
    expect(document.verificationMethod).toEqual([
      { id: keyId, type: 'JsonWebKey2020', controller: did, publicKeyJwk: keys.publicJwk },
    ]);
    expect(document.authentication).toEqual([keyId]);
    expect(document.assertionMethod).toEqual([keyId]);
    expect(JSON.stringify(document)).not.toContain('"d"');

    const ajv = new Ajv2019({ strict: false });
    ajv.addSchema(JSON.parse(readFileSync(join(DSP_COMMON, 'context-schema.json'), 'utf8')));
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(DSP_COMMON, 'did-service-schema.json'), 'utf8')),
    );
    const [service] = document.service;
    expect(service?.type).toBe('DataService');
    // As a JSON-LD reader sees the entry: with the document's context.
    expect(validate({ '@context': document['@context'], ...service }), JSON.stringify(validate.errors)).toBe(
      true,
    );

    const parsed = parseDidDocument(JSON.parse(JSON.stringify(document)), did);
    expect(parsed.ok && [...parsed.value.authenticationKeys.keys()]).toEqual([keyId]);
    expect(parsed.ok && [...parsed.value.assertionKeys.keys()]).toEqual([keyId]);
    expect(parsed.ok && parsed.value.services[0]?.serviceEndpoint).toBe(
      'http://127.0.0.1:8101/nodes/oem/dsp/catalog',
    );
  });

  it('accepts relative and embedded verification methods (DID Core §5.3)', async () => {
    const keys = await generateNodeKeys();
    const did = 'did:web:example.com';
    const method = { id: '#k1', type: 'JsonWebKey2020', controller: did, publicKeyJwk: keys.publicJwk };
    const parsed = parseDidDocument(
      { id: did, verificationMethod: [method], authentication: ['#k1'], assertionMethod: [method] },
      did,
    );
    expect(parsed.ok && [...parsed.value.authenticationKeys.keys()]).toEqual([`${did}#k1`]);
    expect(parsed.ok && [...parsed.value.assertionKeys.keys()]).toEqual([`${did}#k1`]);
  });

  it('refuses documents of another DID, foreign controllers, private keys and dangling references', async () => {
    const keys = await generateNodeKeys();
    const did = 'did:web:example.com';
    const good = didDocument({ did, keys, dspEndpoint: 'https://example.com/dsp/catalog' });
    const method = good.verificationMethod[0];
    const cases: [unknown, RegExp][] = [
      [[], /not a JSON object/],
      [{ ...good, id: 'did:web:evil.example' }, /not did:web:example.com/],
      [
        { ...good, verificationMethod: [{ ...method, controller: 'did:web:evil.example' }] },
        /controlled by "did:web:evil.example"/,
      ],
      [{ ...good, verificationMethod: [{ ...method, publicKeyJwk: privateJwkOf(keys) }] }, /private part/],
      [{ ...good, authentication: [`${did}#missing`] }, /not a verification method/],
      [{ ...good, authentication: 'x' }, /not an array/],
    ];
    for (const [document, message] of cases) {
      const parsed = parseDidDocument(document, did);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(message);
    }
  });
});
