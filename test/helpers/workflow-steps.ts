// GitHub workflow text for the restore and write gate tests (cleanpass160, redteam167): a push job
// that checks out the history, the steps under test, then the gate step; each step as its YAML lines.

const WORKFLOW = '.github/workflows/ci.yml';

/** A `run:` step with script `s` (quoted as JSON, which YAML reads), then `extra` lines of the step. */
export const runStep = (s: string, extra = ''): string => `      - run: ${JSON.stringify(s)}\n${extra}`;

/** A push workflow's job: checkout with the history, the `steps`, then the gate step `gate`; `files` beside it. */
export const checkoutJob = (
  steps: string,
  gate: string,
  files: Record<string, string> = {},
): Record<string, string> => ({
  ...files,
  [WORKFLOW]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${steps}${gate}`,
});

/** actions/cache restoring `path`. */
export const cacheStep = (path: string): string =>
  `      - uses: actions/cache@v4\n        with:\n          path: ${path}\n          key: k-\${{ hashFiles('**/*.lock') }}\n`;

/** actions/download-artifact of `dist` into `path`. */
export const artifactStep = (path: string): string =>
  `      - uses: actions/download-artifact@v4\n        with:\n          name: dist\n          path: ${path}\n`;
