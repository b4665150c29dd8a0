// Entry of the import thread: loads the TypeScript sources through tsx (as bin/keten.js does for the
// CLI), then runs the worker. A worker does not inherit the loader of the thread that started it.
import { register } from 'tsx/esm/api';

register();
await import('./import-worker.ts');
