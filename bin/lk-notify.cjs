#!/usr/bin/env node
// `npx lk-notify` in a checkout: runs the TypeScript sources through tsx (a dev dependency).
// Cluster nodes run the single-file bundle instead: `npm run build:lk-notify` → dist/lk-notify.cjs.
require('tsx/cjs/api').register();
require('../cli/lk-notify/bin.ts');
