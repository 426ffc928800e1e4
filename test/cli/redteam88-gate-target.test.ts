// redteam88: a gitguard step that audits a repository the change chose, not the checkout, kept the
// gate: `gitguard audit ci/clean.git` (a bare repository committed as plain files: git reads a folder
// holding HEAD, objects/ and refs/ as one), `-C /tmp/x` (made by an earlier step), `--git ci/git`
// (a program in the checkout that answers for git), `verify HEAD..HEAD` (no commit in range),
// `--base "$(git rev-parse HEAD)"` or `${{ github.event.after }}` (the checked-out commit by another
// name). The real CLI exits 0 with each on a repository whose only failure is an unsigned commit
// (checked below); ci-gate-kept must fail. The twins name the checkout, git on the runner, a range
// from an older commit, and keep the gate.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { cleanRepoInCheckout } from '../helpers/team.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { runMain } from '../helpers/cli.js';
import { madeOnce } from '../helpers/made-once.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (step: string): string =>
  `on:\n  push:\n  pull_request:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${JSON.stringify(step)}\n`;
const KEPT = GH('npx gitguard audit');
// Every step below judged by one audit per chain (gate-batch.ts): the lost steps' and the kept ones'.
const batch = gateBatch();

for (const step of [
  'npx gitguard audit ci/clean.git',
  'npx gitguard audit -C ci/clean.git',
  'npx gitguard audit --repo=/tmp/clean',
  'npx gitguard -C ci/clean.git audit',
  'npx gitguard audit --forge ci/clean.git',
  'npx gitguard audit -- ci/clean.git',
  'npx gitguard audit --git ci/git',
  'npx gitguard audit --git=./ci/git',
  'npx gitguard verify HEAD..HEAD',
  'npx gitguard verify "$GITHUB_SHA.."',
  'npx gitguard verify -C ci/clean.git',
  'npx gitguard audit --base "$(git rev-parse HEAD)"',
  'npx gitguard audit --base `git rev-parse --verify HEAD`',
  'npx gitguard audit --base ${{ github.event.after }}',
  'npx gitguard audit --base ${{ github.event.pull_request.head.sha }}',
  'npx gitguard audit --base HEAD@{0}',
])
  test(`${step}: ci-gate-kept fails`, batch.add({ [WF]: KEPT }, { [WF]: GH(step) }, false));

for (const step of [
  'npx gitguard audit .',
  'npx gitguard audit -C "$GITHUB_WORKSPACE"',
  'npx gitguard audit -C ${{ github.workspace }}',
  'npx gitguard audit --forge github',
  'npx gitguard audit --forge --format json',
  'npx gitguard audit --git /usr/bin/git',
  'npx gitguard audit --git "$(command -v git)"',
  'npx gitguard verify',
  'npx gitguard verify origin/main..HEAD',
  'npx gitguard verify "${{ github.event.before }}..HEAD"',
  'npx gitguard audit --base ${{ github.event.before }}',
])
  test(`twin: ${step} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: GH(step) }, true));

// The reference: the built CLI's main (in this process, with the checkout as its working directory),
// run from the checkout of a repository whose HEAD is unsigned and holds a clean bare repository
// (committed as plain files) and a fake git script. Made once for the file; each run takes a copy
// (the checkout and the allowed-signers file are in the repository's home, copied with it).
describe('the real CLI on a failing repository', () => {
  const made = madeOnce(() => cleanRepoInCheckout());
  const audit = async (args: string[]): Promise<number> => {
    const { r } = made();
    const [dir, keys, env] = [join(r.home, 'checkout'), join(r.home, 'allowed'), r.env];
    const at = (a: string): string =>
      a.replace('$HEAD', execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { env }).toString().trim());
    const only = args[0] === 'verify' ? [] : ['--threat', 'impersonation,history', '--no-ledger'];
    return (await runMain([...args.map(at), ...only, '--allowed-signers', keys], { env, cwd: dir })).code;
  };
  test.each([
    [['audit'], 1],
    [['audit', 'ci/clean.git'], 2], // the tracked bare repository refused (redteam141-nested-bare)
    [['audit', '-C', 'ci/clean.git'], 2], // the tracked bare repository refused (redteam141-nested-bare)
    [['audit', '--git', 'ci/git'], 0],
    [['audit', '--git', 'git'], 1],
    [['audit', '--base', '$HEAD'], 0],
    [['audit', '--base', 'HEAD~1'], 1],
    [['verify', 'HEAD..HEAD'], 0],
    [['verify', 'HEAD~1..HEAD'], 1],
    [['verify'], 1],
  ])('%j exits %i', async (args, code) => {
    expect(await audit(args)).toBe(code);
  });
});
