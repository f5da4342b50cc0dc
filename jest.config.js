/** Jest projects: unit (pure logic), integration (real store, Redis, sockets), e2e (Chromium), faults (real processes). */
const swc = (syntax) => ['@swc/jest', { jsc: { parser: { syntax }, target: 'es2022' }, module: { type: 'commonjs' } }];
// htmlparser2 12 and its DOM packages, feed 5 and pixelmatch 8 ship ESM only; jest compiles them to CommonJS
// (Node itself loads them with require(esm), unflagged since 20.19).
const ESM_ONLY = 'htmlparser2|domhandler|domutils|domelementtype|dom-serializer|entities|feed|pixelmatch';
const transform = { '^.+\\.ts$': swc('typescript'), [`node_modules/(${ESM_ONLY})/.+\\.js$`]: swc('ecmascript') };
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY})/)`];
// The same names as tsconfig.json "paths": the wire contract and the SDK are imported by name, never by a relative climb.
const moduleNameMapper = {
  '^@parley/protocol$': '<rootDir>/client-sdk/src/protocol.ts',
  '^@parley/sdk$': '<rootDir>/client-sdk/src/index.ts',
  '^@parley/sdk/(.*)$': '<rootDir>/client-sdk/src/$1',
};
const common = {
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
const withStores = {
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
};

module.exports = {
  // Jest reads testTimeout only at the top level (a per-project one is ignored); fault and e2e files set longer ones themselves.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    {
      ...common,
      ...withStores,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      // PostgreSQL EXPLAIN of the embedded store; on a real MongoDB, comments-indexes.test.ts proves IXSCAN instead.
      testPathIgnorePatterns: process.env.TEST_MONGODB_URI ? ['/node_modules/', 'store-explain'] : ['/node_modules/'],
    },
    { ...common, ...withStores, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
    { ...common, ...withStores, displayName: 'faults', testMatch: ['<rootDir>/tests/faults/**/*.test.ts'] },
  ],
};
