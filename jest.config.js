/**
 * Jest runs TypeScript through ts-jest in transpile-only mode (type checking is `npm run typecheck`,
 * once for the whole tree). lowdb and steno are ESM-only, so they are transpiled too instead of ignored;
 * so are the official A2UI renderer packages and the Lit packages they import (the v0.9 tests feed
 * every message to `@a2ui/web_core`'s MessageProcessor).
 */
const esmOnly = ['lowdb', 'steno', 'jsondiffpatch', '@a2ui', 'lit', 'lit-html', 'lit-element', '@lit', '@lit-labs', 'signal-utils'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[cm]?[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.ts',
};
