/**
 * Jest runs TypeScript through ts-jest in transpile-only mode (type checking is `npm run typecheck`,
 * once for the whole tree). lowdb and steno are ESM-only, so they are transpiled too instead of ignored.
 */
const esmOnly = ['lowdb', 'steno', 'jsondiffpatch'];

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
