import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchPath, pathTo } from './router.tsx';

describe('matchPath and pathTo', () => {
  it('matches a pattern and decodes its parameters', () => {
    expect(matchPath('/networks/:name/companies/:company', '/networks/a%20b/companies/x%2Fy')).toEqual({
      name: 'a b',
      company: 'x/y',
    });
    expect(matchPath('/networks/:name/map', '/networks/demo/map/')).toEqual({ name: 'demo' });
    expect(matchPath('/', '/')).toEqual({});
  });

  it('does not match other paths, lengths or broken percent-encoding', () => {
    expect(matchPath('/networks/:name/map', '/networks/demo/graph')).toBeUndefined();
    expect(matchPath('/networks/:name/map', '/networks/demo')).toBeUndefined();
    expect(matchPath('/networks/:name/map', '/networks/%E0%A4%A/map')).toBeUndefined();
    expect(matchPath('/users', '/users/admin')).toBeUndefined();
  });

  it('gives back any parameters it was given (round trip)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (name, company) => {
        const path = pathTo('/networks/:name/companies/:company', { name, company });
        expect(matchPath('/networks/:name/companies/:company', path)).toEqual({ name, company });
        expect(matchPath('/networks/:name/map', path)).toBeUndefined();
      }),
    );
  });

  it('never throws on any path', () => {
    fc.assert(
      fc.property(fc.string(), (path) => {
        const result = matchPath('/networks/:name/map', path);
        if (result !== undefined) expect(Object.keys(result)).toEqual(['name']);
      }),
    );
  });
});
