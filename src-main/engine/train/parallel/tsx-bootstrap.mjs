// Worker bootstrap for running from source: registers tsx's TypeScript loader inside the worker
// thread, then imports the entry passed as argv (Node 20 does not apply `--import tsx` to a
// worker's own entry).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
