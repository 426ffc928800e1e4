// ESLint 9 flat config: typescript-eslint's type-aware recommended rules over src/, TypeScript's own
// errors (gitguard/type-check) over src/ and test/, ESLint's
// recommended rules over the JavaScript files (bin/, scripts/). `npm run lint` fails on errors only.
// Rules set to 'warn' below hold findings in today's tree that the restructuring of src/ will remove;
// make them errors once it lands (each says why it is down).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import gitguard from './scripts/eslint-rules.mjs';

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'setTimeout',
    'clearTimeout',
    'setImmediate',
    'performance',
    'structuredClone',
  ].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fixtures/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Same convention as noUnusedLocals/noUnusedParameters: a leading underscore marks "unused on purpose".
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
      // Off: each of its 13 findings (escapers of src/, tests asserting no raw control byte is printed)
      // matched control characters on purpose, what keeping them out of gitguard's output needs.
      'no-control-regex': 'off',
      // Interface methods that return a promise without awaiting (a cache hit, a test double).
      '@typescript-eslint/require-await': 'off',
      // A redundant assertion hides the type the code really has (autofixable: `npx eslint --fix`).
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // warn until typed: openpgp.js internals (enums compared as numbers, Function-typed hooks) and
      // commander's untyped opts() in src/; JSON.parse results in tests.
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-function-type': 'warn',
      '@typescript-eslint/no-unsafe-enum-comparison': 'warn',
      // warn: rules/lib/client.ts passes two methods of a frozen object as callbacks (no `this` used).
      '@typescript-eslint/unbound-method': 'warn',
    },
  },
  {
    // test/ is linted without the type-aware rules: their checker work over test/ (larger than src/) cost
    // ~16 of the lint's ~105 CPU-s. Off here (disableTypeChecked's rules): await-thenable, no-array-delete,
    // no-base-to-string, no-duplicate-type-constituents, no-floating-promises, no-for-in-array,
    // no-implied-eval, no-misused-promises, no-redundant-type-constituents, no-unnecessary-type-assertion,
    // no-unsafe-*, only-throw-error, prefer-promise-reject-errors, require-await, restrict-plus-operands,
    // restrict-template-expressions, unbound-method. src/ keeps every one of them. Nor is test/ parsed
    // with the program (projectService): its TypeScript errors are reported by scripts/eslint-typed.mjs,
    // `npm run lint`'s typed half, from the program ESLint builds for src/ (tsconfig.json's, src/ and
    // test/, so the dead-export check sees test/'s imports), and ESLint over test/ runs in the other half,
    // on the second core (`npx eslint .` alone does not type-check test/: `npm run typecheck` does).
    files: ['test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: tseslint.configs.disableTypeChecked.rules,
  },
  {
    // TypeScript's own errors, tsc's for tsconfig.json, asked of the program ESLint has built: CI's lint
    // is its type check (npm test no longer runs `npm run typecheck`, a second program of the same ~990
    // files, ~23 CPU-s in a clean clone). Reported on each file of src/, as tsc would; test/'s files by
    // scripts/eslint-typed.mjs, from the same program.
    files: ['src/**/*.ts'],
    plugins: { gitguard },
    rules: { 'gitguard/type-check': 'error' },
  },
  {
    // The build (tsconfig.build.json: src/ alone, Node's types only) emits without a type check, which
    // also leaves out its rootDir check, and the check of src/ is tsconfig.json's, where jest's globals
    // are declared: an import from outside src/ and a test global in src/ fail here instead.
    files: ['src/**/*.ts'],
    plugins: { gitguard },
    rules: {
      'gitguard/src-imports-src': ['error', { root: import.meta.dirname }],
      'no-restricted-globals': [
        'error',
        ...['describe', 'it', 'test', 'expect', 'jest', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach', 'fail'].map(
          (name) => ({ name, message: "A test global: src/ is built with Node's types only." }),
        ),
      ],
    },
  },
  {
    // What no-floating-promises found in a test without types: an `expect(...).rejects/.resolves`
    // not awaited or returned passes whatever the promise does.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ExpressionStatement > CallExpression > MemberExpression.callee MemberExpression[property.name=/^(rejects|resolves)$/]',
          message:
            'Await (or return) an expect(...).rejects/.resolves: not awaited, the test passes whatever it settles to.',
        },
      ],
    },
  },
  {
    // A module holds one concern: past 400 lines it is time to split it (issue 13's bound on src/).
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // No value of src/ exported that no other module, test or script imports (scripts/dead-exports-lib.mjs),
    // asked of the program ESLint has built anyway: as its own script it built a second one (~10 CPU-s).
    files: ['src/**/*.ts'],
    plugins: { gitguard },
    rules: { 'gitguard/no-dead-exports': ['error', { root: import.meta.dirname }] },
  },
  {
    // Rules judge the facts they are given, including the run's clock (facts.now): never the wall clock.
    files: ['src/rules/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Rules read the clock from facts.now.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Rules read the clock from facts.now.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, module: 'writable', require: 'readonly' } },
  },
);
