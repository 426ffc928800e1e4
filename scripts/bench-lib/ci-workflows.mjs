// An honest GitHub workflow of the size real projects keep, for the CI-history measurement
// (scripts/make-ci-history.mjs) and the YAML budget's tests (test/cli/ci-parse-budget.test.ts): one
// generator, so the history measured is the history tested.

/**
 * Workflow number `w` of `steps` steps (a third set-up actions, the rest named npm tasks), the gate in
 * number 0 (ci.yml), version `v` changing one step's argument.
 */
export function honestWorkflow(w, steps, v) {
  let out = `name: wf${w}\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n`;
  if (w === 0) out += '      - run: npx gitguard audit\n';
  for (let k = 0; k < steps; k += 1)
    out +=
      k % 3 === 0
        ? `      - name: Set up tool ${k}\n        uses: actions/setup-node@v4\n        with:\n          node-version: ${18 + (k % 3)}\n`
        : `      - name: Step ${k} of ${w}\n        run: npm run task-${k} -- --shard ${k === v % steps ? v : 0}\n`;
  return out;
}
