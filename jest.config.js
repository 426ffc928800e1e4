// ESM throughout: chalk 5 and openpgp 6 ship only ESM, so the package is "type": "module" and
// jest runs with node's --experimental-vm-modules (see the "test" script). ts-jest transpiles each
// file on its own (isolatedModules); `npm run typecheck` (the first step of `npm test`) type-checks src/ and test/.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  // Sources import './x.js' (NodeNext style); map that back to the .ts file under test.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
