// template200: our own GitLab template (ci/gitlab-ci.yml) is a gate by its `gitguard audit` line, read
// with the job's `variables:` written in as the runner exports them (GITGUARD_ARGS split at blanks,
// the others one word each). A change that sets a variable so the audit fails on nothing the change
// brings (`GITGUARD_ARGS: --fail-on none`, `--rule x`, `-C /tmp/y`, `--base HEAD`; `GITGUARD_FAIL_ON:
// none`; `GITGUARD_THREATS: client`) loses the gate, as does a value the reading cannot split as the
// shell does (a quote in it); the values the README documents (`--all`, forge off, all four threats,
// a higher `--fail-on` at or under the gate rules' severity) keep it. Each case: Alice's commit of the
// template, then her change of its variables, with the template included or copied.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
const TEMPLATE = readFileSync(join(ROOT, 'ci', 'gitlab-ci.yml'), 'utf8');
const INCLUDE = 'include:\n  - local: ci/gitlab-ci.yml\n';
/** The template included, its job's variables set over it (GitLab merges a job of the same name). */
const included = (name: string, value: string): Record<string, string> => ({
  [GL]: `${INCLUDE}gitguard:\n  variables:\n    ${name}: ${value}\n`,
});
/** The template copied as .gitlab-ci.yml with one of its variables' values changed. */
const copied = (name: string, value: string): Record<string, string> => {
  const line = new RegExp(`^(    ${name}: ).*$`, 'm');
  if (!line.test(TEMPLATE)) throw new Error(`the template sets no ${name}`);
  return { [GL]: TEMPLATE.replace(line, `$1${value}`) };
};

const BEFORE_INCLUDED = { [GL]: INCLUDE, 'ci/gitlab-ci.yml': TEMPLATE };
const BEFORE_COPIED = { [GL]: TEMPLATE };

const LOST: Array<[string, string]> = [
  ['GITGUARD_ARGS', '--fail-on none'],
  ['GITGUARD_ARGS', '--fail-on critical'],
  ['GITGUARD_ARGS', '--rule x'],
  ['GITGUARD_ARGS', '-C /tmp/y'],
  ['GITGUARD_ARGS', '--base HEAD'],
  ['GITGUARD_ARGS', `"--rule 'x'"`],
  ['GITGUARD_FAIL_ON', 'none'],
  ['GITGUARD_FAIL_ON', 'critical'],
  ['GITGUARD_THREATS', 'client'],
];
const KEPT: Array<[string, string]> = [
  ['GITGUARD_ARGS', '--all'],
  ['GITGUARD_ARGS', '--all --quiet'],
  ['GITGUARD_FORGE', '"false"'],
  ['GITGUARD_THREATS', '""'],
  ['GITGUARD_THREATS', 'impersonation'],
  ['GITGUARD_FAIL_ON', 'high'],
];

describe('ci-gate-kept: our GitLab template gates by its audit line and its variables', () => {
  const batch = gateBatch();
  for (const [name, value] of LOST) {
    test(`lost (included): ${name}: ${value}`, batch.add(BEFORE_INCLUDED, included(name, value), false));
    test(`lost (copied): ${name}: ${value}`, batch.add(BEFORE_COPIED, copied(name, value), false));
  }
  for (const [name, value] of KEPT) {
    test(`kept (included): ${name}: ${value}`, batch.add(BEFORE_INCLUDED, included(name, value), true));
    test(`kept (copied): ${name}: ${value}`, batch.add(BEFORE_COPIED, copied(name, value), true));
  }
  // `--fail-on` takes info, low, medium, high or critical: any other word is refused (exit 2 on every
  // run, as `gitguard audit --fail-on none` does), which fails on nothing the change brings either.
  const job = (flags: string): Record<string, string> => ({
    [GL]: `audit:\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit . ${flags}\n`,
  });
  for (const flags of ['--fail-on none', '--fail-on=HIGH', '--fail-on ""'])
    test(`lost (by hand): ${flags}`, batch.add(job(''), job(flags), false));
  for (const flags of ['--fail-on medium', '--fail-on=info', '--fail-on "$LEVEL"'])
    test(`kept (by hand): ${flags}`, batch.add(job(''), job(flags), true));
});
