/**
 * The layering of routekeeper, enforced in `npm test` (`npm run deps:check`). The picture, bottom up:
 *
 *   shared/core                       vocabulary: IP/CIDR, names and ids, lkrc wire words, errors, results, clock/bus ports
 *   shared/config   shared/events     configuration and event contracts: import only the core (and zod)
 *   shared/domain/{intake,switch,checks}   pure use cases by flow: no SDK, no adapters, no edges
 *   shared/aws   shared/telemetry     adapters (the only SDK importers) and Powertools
 *   functions/*   cli/*               edges: composition roots and thin handlers
 *   dev/  bench/  scripts/            what a person runs;   test/  test machinery
 */
const PRODUCT = '^(shared|functions|cli|serverless)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle hides which module owns a fact; cut it by moving the shared part down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-floor',
      severity: 'error',
      comment: 'shared/core imports nothing of the project above it.',
      from: { path: '^shared/core/' },
      to: { path: '^(shared/(?!core/)|functions|cli|dev|bench|scripts|serverless|test)' },
    },
    {
      name: 'contracts-import-only-the-floor',
      severity: 'error',
      comment:
        'shared/events and shared/config import only shared/core (and zod), never the domain.',
      from: { path: '^shared/(events|config)/' },
      to: { path: '^(shared/(domain|aws|telemetry)|functions|cli|dev|bench|scripts|test)' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'shared/domain takes the outside world through its ports: no SDK, no adapters, no edges, no dev or test code.',
      from: { path: '^shared/domain/' },
      to: {
        path: '^(shared/(aws|telemetry)|functions|cli|dev|bench|scripts|test)|@aws-sdk|@aws-lambda-powertools|@smithy|@middy',
      },
    },
    {
      name: 'only-adapters-import-the-sdk',
      severity: 'error',
      comment: 'Only shared/aws talks to AWS; edges get clients and adapters from it.',
      from: { path: PRODUCT, pathNot: '^shared/aws/' },
      to: { path: '@aws-sdk|@smithy' },
    },
    {
      name: 'no-function-imports-another',
      severity: 'error',
      comment:
        'Each function is its own composition root; share through shared/, not through a sibling.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
    {
      name: 'product-imports-no-dev-or-test',
      severity: 'error',
      comment: 'What ships never depends on what a person runs locally or on test machinery.',
      from: { path: PRODUCT },
      to: { path: '^(dev|bench|scripts|test)/' },
    },
    {
      name: 'dev-imports-no-test',
      severity: 'error',
      comment:
        'dev/ and bench/ are run by people; test machinery lives under test/ and may use them, not the reverse.',
      from: { path: '^(dev|bench|scripts)/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.esbuild|\\.serverless|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
