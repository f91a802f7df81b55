#!/usr/bin/env node
// `npx lk-notify` in a checkout (an npm workspace of routekeeper): runs the TypeScript sources through tsx.
// Cluster nodes run the single-file bundle instead: `npm run build:lk-notify` → dist/lk-notify.cjs.
require('tsx/cjs/api').register();
require('./bin.ts');
