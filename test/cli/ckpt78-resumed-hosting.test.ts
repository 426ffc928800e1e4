// Round 78: an incremental re-audit resumed ci-gate-kept's saved state although its verdict depends
// on facts the checkpoint key does not cover: the hosts of the auditor's remotes (insteadOf applied)
// and the CI variables of the job. A GitHub-hosted repository whose `.forgejo` folder passed kept
// passing from the checkpoint after `git remote add codeberg ...` (a full walk fails it), and a
// failure stayed after the remote moved to gitlab.com. The rule now keeps its losses forge by forge
// and judges them at the end of each run from that run's remotes and variables: the reference is
// the same audit with --no-cache, and git's own listing of the remotes.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { commitAsPerson, configureSshSigning, sharedSshKey } from '../helpers/ssh.js';
import { checkoutWorkflow } from '../helpers/team.js';
import { verdicts, type Report } from '../helpers/incremental.js';

afterAll(cleanupTemp);

const RUNS = checkoutWorkflow('      - run: make test\n');
const GATED = checkoutWorkflow('      - run: make test\n      - run: npx gitguard audit\n');
const CI_VARS = ['GITHUB_ACTIONS', 'GITLAB_CI', 'FORGEJO_ACTIONS', 'GITEA_ACTIONS'];

interface Setup {
  r: TestRepo;
  keys: string;
  env: Record<string, string | undefined>;
}

/** Alice's signed commits (keys only, no policy): the GitHub gate, then `after`; origin on `origin`. */
function setup(after: Record<string, string>, origin: string, extra = 0): Setup {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  configureSshSigning(r, alice);
  const keys = join(r.home, 'allowed');
  writeFileSync(keys, `alice@example.com ${alice.pub}\n`);
  commitAsPerson(r, alice, 'alice@example.com', 'ci', { '.github/workflows/ci.yml': GATED });
  commitAsPerson(r, alice, 'alice@example.com', 'ci: tidy', after);
  for (let i = 0; i < extra; i += 1)
    commitAsPerson(r, alice, 'alice@example.com', `work ${i}`, { [`w${i}.txt`]: `${i}\n` });
  r.run(['remote', 'add', 'origin', origin]);
  const env: Record<string, string | undefined> = { ...r.env };
  for (const v of CI_VARS) delete env[v];
  return { r, keys, env };
}

async function audit(s: Setup, ciEnv: Record<string, string> = {}, ...extra: string[]) {
  const res = await runMain(
    [
      'audit',
      '-C',
      s.r.dir,
      '-r',
      'ci-gate-kept',
      '--no-ledger',
      '--format',
      'json',
      '--allowed-signers',
      s.keys,
      ...extra,
    ],
    { env: { ...s.env, ...ciEnv } },
  );
  const report = parseJson<Report>(res);
  return { code: res.code, report, rule: resultOf(report, 'ci-gate-kept') };
}

/** The resumed run's verdict must be the full walk's, on the same repository and environment. */
async function resumedAsFull(s: Setup, ciEnv: Record<string, string> = {}) {
  const resumed = await audit(s, ciEnv);
  expect(resumed.report.walk).toMatchObject({ incremental: true, walked: 0 });
  const full = await audit(s, ciEnv, '--no-cache');
  expect(full.report.walk?.incremental).toBe(false);
  expect(verdicts(resumed.report)).toEqual(verdicts(full.report));
  return resumed;
}

/** git's listing of the remotes' URLs. */
const urls = (r: TestRepo): string[] =>
  r
    .run(['remote', '-v'])
    .split('\n')
    .map((l) => l.split(/\s+/)[1]!);

describe('ci-gate-kept resumed from a checkpoint judges with this run’s remotes and CI variables', () => {
  test('a Forgejo folder beside the GitHub gate passes on github.com; a codeberg remote added: the resumed run fails', async () => {
    const s = setup({ '.forgejo/workflows/lint.yml': RUNS }, 'https://github.com/o/r.git');
    const first = await audit(s);
    expect([first.code, first.rule.outcome, first.report.walk?.incremental]).toEqual([0, 'pass', false]);
    s.r.run(['remote', 'add', 'codeberg', 'https://codeberg.org/o/r']);
    expect(urls(s.r)).toContain('https://codeberg.org/o/r');
    const after = await resumedAsFull(s);
    expect([after.code, after.rule.outcome]).toEqual([1, 'fail']);
    expect(after.rule.findings.map((f) => f.message).join('\n')).toContain('no longer run by Forgejo Actions');
    // And back: the codeberg remote removed, the resumed run passes again with the same note as a full walk.
    s.r.run(['remote', 'remove', 'codeberg']);
    const back = await resumedAsFull(s);
    expect([back.code, back.rule.outcome]).toEqual([0, 'pass']);
    expect(back.rule.note).toContain('1 change(s) that only Forgejo Actions would miss (remotes are on github.com)');
  });

  test('a codeberg host reached through url.<base>.insteadOf (the config git uses) fails the resumed run', async () => {
    const s = setup({ '.forgejo/workflows/lint.yml': RUNS }, 'https://github.com/o/r.git');
    expect((await audit(s)).rule.outcome).toBe('pass');
    s.r.run(['remote', 'add', 'mirror', 'cb:o/r']);
    s.r.run(['config', 'url.https://codeberg.org/.insteadOf', 'cb:']);
    // git's answer: the URL it fetches from.
    expect(s.r.run(['remote', 'get-url', 'mirror'])).toBe('https://codeberg.org/o/r');
    expect((await resumedAsFull(s)).rule.outcome).toBe('fail');
  });

  test('a failure kept no longer once the remote moves to gitlab.com (the step moved to .gitlab-ci.yml)', async () => {
    const s = setup(
      { '.github/workflows/ci.yml': RUNS, '.gitlab-ci.yml': 'audit:\n  script: npx gitguard audit\n' },
      'https://github.com/o/r.git',
    );
    const first = await audit(s);
    expect([first.code, first.rule.outcome]).toEqual([1, 'fail']);
    s.r.run(['remote', 'set-url', 'origin', 'https://gitlab.com/o/r.git']);
    expect(urls(s.r)).toEqual(['https://gitlab.com/o/r.git', 'https://gitlab.com/o/r.git']);
    const after = await resumedAsFull(s);
    expect([after.code, after.rule.outcome]).toEqual([0, 'pass']);
    expect(after.rule.note).toContain('(remotes are on gitlab.com)');
  });

  test('the CI variables of the job: the same checkpoint fails in a Forgejo job and passes outside it', async () => {
    const s = setup({ '.forgejo/workflows/lint.yml': RUNS }, 'https://github.com/o/r.git');
    expect((await audit(s)).rule.outcome).toBe('pass');
    const inForgejo = await resumedAsFull(s, { FORGEJO_ACTIONS: 'true', GITHUB_ACTIONS: 'true' });
    expect([inForgejo.code, inForgejo.rule.outcome]).toEqual([1, 'fail']);
    const outside = await resumedAsFull(s);
    expect(outside.rule.outcome).toBe('pass');
  });

  test('twin: nothing changed resumes with no commit walked, the same verdict as a full walk', async () => {
    const s = setup({ '.forgejo/workflows/lint.yml': RUNS }, 'https://github.com/o/r.git', 2);
    expect((await audit(s)).report.walk).toMatchObject({ incremental: false, walked: 4 });
    const again = await resumedAsFull(s);
    expect(again.report.walk).toMatchObject({ fromCheckpoint: 4 });
    expect(again.rule.outcome).toBe('pass');
  });
});
