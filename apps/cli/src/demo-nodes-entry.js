// Entry of the demo's company-nodes thread: loads the TypeScript sources through tsx (as bin/keten.js
// does for the CLI), then runs the thread. A worker does not inherit the loader of the thread that
// started it.
import { register } from 'tsx/esm/api';

register();
await import('./demo-nodes-worker.ts');
