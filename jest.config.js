/** @type {import('jest').Config} */
module.exports = {
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  // Names any test file that leaves a handle open (see the file).
  testEnvironment: '<rootDir>/test/leak-environment.js',
  // A leaked handle must not hang CI: leak-environment.js names the file, then the run ends.
  forceExit: true,
};
