// Entry of each extract sandbox thread. The project runs its TypeScript through tsx (see
// bin/sluice.js), but a loader registered on the main thread does not reach worker threads, and
// vitest's does not either: each thread registers tsx itself before it loads its module.
import { register } from 'tsx/esm/api';

register();
await import('./extract-thread.ts');
