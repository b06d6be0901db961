// Worker bootstrap for running from source, for entries whose imports are all TypeScript of ours
// and Node's own modules (the fused kernel's worker): tsx's CommonJS loader, registered inside this
// thread, where the ESM one (tsx-bootstrap.mjs) starts a loader thread per worker — 350 ms to a
// worker's first message against 170 here, at every fused run's start.
const { register } = require('tsx/cjs/api');

register();
require(process.argv[2]);
