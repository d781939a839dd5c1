/**
 * The doors between the rooms (ARCHITECTURE.md, "The rule"), checked by
 * test/unit/import-boundaries.test.ts on every `npm test`:
 * a service imports only its own files, the contracts and the shared plumbing;
 * workflows import only contracts and activity types; activities never import
 * workflows; production code never imports dev tooling, tests or benchmarks;
 * the web app imports no server code, and from contracts/ only types and its
 * browser-safe modules.
 */
const PRODUCTION = '^(contracts|services|activities|workflows|charts|cdk8s)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'service-to-other-service',
      comment: "A service imports only its own files, services/shared and contracts/: it talks to other services over HTTP (contracts/clients.ts).",
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: '^services/shared/' },
      to: { path: '^services/', pathNot: ['^services/$1/', '^services/shared/'] },
    },
    {
      name: 'service-to-workflow-code',
      comment: 'Services start workflows by name through contracts/booking-workflow.ts; only the worker hosts workflows and activities.',
      severity: 'error',
      from: { path: '^services/', pathNot: '^services/worker/' },
      to: { path: '^(workflows|activities)/' },
    },
    {
      name: 'shared-plumbing-to-service',
      comment: 'services/shared is plumbing every service may use: it knows no service.',
      severity: 'error',
      from: { path: '^services/shared/' },
      to: { path: '^(services/(?!shared/)|workflows/|activities/)' },
    },
    {
      name: 'contracts-to-implementation',
      comment: 'contracts/ is what crosses a boundary: it imports only itself (and the service client type it wraps).',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(services/(?!shared/service-client)|workflows/|activities/)' },
    },
    {
      name: 'activities-to-workflows',
      comment: 'Workflows call activities, never the other way round.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^workflows/' },
    },
    {
      name: 'workflows-to-runtime-code',
      comment: 'Workflow code is deterministic and bundled alone: contracts, the Temporal workflow API, and activity types only.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(services|devstack|charts|cdk8s)/' },
    },
    {
      name: 'workflows-to-activity-code',
      comment: 'Workflows import activity types (import type), never activity code.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'production-to-dev-tooling',
      comment: 'The charts and the services never import the local stack, tests or benchmarks.',
      severity: 'error',
      from: { path: PRODUCTION },
      to: { path: '^(devstack|test|bench)/' },
    },
    {
      name: 'web-to-server-code',
      comment: 'The web app is a client of the public API like any other: it reaches the server over HTTP, never through its code.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(services|workflows|activities|devstack|charts|cdk8s|test|bench)/' },
    },
    {
      name: 'web-to-contract-code',
      comment:
        "The web app takes the API's types from contracts/ (import type) and, as code, only the modules written for browsers too (no Node API, no zod): contracts/availability.ts. Any other would ship server code in the bundle.",
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^contracts/', pathNot: '^contracts/availability\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-import-cycles',
      comment: 'No two modules import each other, even for types: a loop is a file that belongs somewhere else.',
      severity: 'error',
      from: { path: PRODUCTION },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
