/** Jest projects: unit (pure logic), integration (real store, Redis, sockets), e2e (Chromium), faults (real processes). */
const swc = (syntax) => ['@swc/jest', { jsc: { parser: { syntax }, target: 'es2022' }, module: { type: 'commonjs' } }];
// htmlparser2 12 and its DOM packages ship ESM only; tests parse HTML with it, so jest compiles them to CommonJS.
const ESM_ONLY = 'htmlparser2|domhandler|domutils|domelementtype|dom-serializer|entities';
const transform = { '^.+\\.ts$': swc('typescript'), [`node_modules/(${ESM_ONLY})/.+\\.js$`]: swc('ecmascript') };
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY})/)`];
const common = { transform, transformIgnorePatterns, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };
const withStores = {
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
};

module.exports = {
  // Per-project testTimeout is ignored by Jest; integration and fault tests set longer ones where they need them.
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
    { ...common, ...withStores, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'], testTimeout: 60000 },
    { ...common, ...withStores, displayName: 'faults', testMatch: ['<rootDir>/tests/faults/**/*.test.ts'], testTimeout: 120000 },
  ],
};
