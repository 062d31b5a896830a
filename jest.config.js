/**
 * Jest runs TypeScript through ts-jest in transpile-only mode (type checking is `npm run typecheck`,
 * once for the whole tree). lowdb and steno are ESM-only, so they are transpiled too instead of ignored;
 * so are the official A2UI renderer packages and the Lit packages they import (the v0.9 tests feed
 * every message to `@a2ui/web_core`'s MessageProcessor).
 */
const esmOnly = ['lowdb', 'steno', 'jsondiffpatch', '@a2ui', 'lit', 'lit-html', 'lit-element', '@lit', '@lit-labs', 'signal-utils'];

/**
 * The store-dependent suites run twice: on the embedded store (lowdb files, like every suite) and on
 * Redis (A2UI_TEST_STORE=redis: each test file starts its own redis-server on a free loopback port,
 * test/helpers/server.ts). Suites that read the store's files directly are not among them.
 */
const REDIS_SUITES = [
  'server/live',
  'server/rest',
  'server/streams',
  'server/module',
  'control/api',
  'control/lifecycle',
  'control/restart',
  'assistant/api',
  'reliability/auth-failure-limit',
  'worktree/rest',
  'conformance/000-orchestrator-service',
  'cluster/action-journal',
];

const project = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.[cm]?[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 30000,
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  projects: [
    { ...project, displayName: 'embedded', testMatch: ['**/*.test.ts'] },
    { ...project, displayName: 'redis', testMatch: REDIS_SUITES.map((suite) => `**/test/${suite}.test.ts`), setupFiles: ['<rootDir>/test/helpers/redis-store-env.ts'] },
  ],
};
