/**
 * @module identity
 * Identity and trust between keten nodes: Ed25519 node keys in the data directory, did:web identifiers
 * and documents, a caching resolver, membership credentials from a network's membership authority, and
 * the signed token that authenticates every protocol request. See docs/identity.md.
 */
export * from './authority.ts';
export * from './did.ts';
export * from './join.ts';
export * from './keys.ts';
export * from './membership.ts';
export * from './node-identity.ts';
export * from './private-file.ts';
export * from './replay-guard.ts';
export * from './request-auth.ts';
export * from './resolver.ts';
