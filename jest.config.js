// Three suites: pure unit tests, integration tests against real local servers
// (dynalite, fauxqs, fake HubSpot/voice HTTP servers), and CDK template tests.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// fauxqs is an ES module only package whose exports offer just the "import" condition:
// jest (CommonJS) resolves it through moduleNameMapper and swc transforms it, so it runs
// in the test's own process like dynalite.
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(valibot|fauxqs|commander)/)'],
  moduleNameMapper: { '^fauxqs$': '<rootDir>/node_modules/fauxqs/dist/app.js' },
  setupFiles: ['<rootDir>/test/support/fast-check-seed.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // testTimeout is a global option (projects ignore it): integration tests start real servers.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'cdk', testMatch: ['<rootDir>/test/cdk/**/*.test.ts'] },
  ],
};
