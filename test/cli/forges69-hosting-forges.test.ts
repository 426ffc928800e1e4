// Round 69: ci-gate-kept judged the gate forge by forge (redteam67) and, with no policy, reported
// every loss: a GitHub-hosted repository that adds `.forgejo/workflows/x.yml` without the step (a
// Codeberg mirror's own CI), or one that moved its CI to GitLab and lives on gitlab.com, failed it
// forever, though the forge that hosts it still runs the gate. A loss counts now only for a forge
// that may host the repository: the ones the auditor's remotes name (github.com, gitlab.com,
// codeberg.org, gitea.com), with the one whose CI variables the job has; any other host, a path
// remote or none may be any forge. The reference: git's own listing of the remotes (`git config
// --get-regexp`) and of the commits' CI places (`git ls-tree`).
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { commitAsPerson, configureSshSigning, sharedSshKey } from '../helpers/ssh.js';
import { checkoutWorkflow } from '../helpers/team.js';

afterAll(cleanupTemp);

const RUNS = checkoutWorkflow('      - run: make test\n');
const GATED = checkoutWorkflow('      - run: make test\n      - run: npx gitguard audit\n');
const GL_GATED = 'audit:\n  script: npx gitguard audit\n';
/** The variables that name a forge's CI: none leaks in from the CI that runs these tests. */
const CI_VARS = ['GITHUB_ACTIONS', 'GITLAB_CI', 'FORGEJO_ACTIONS', 'GITEA_ACTIONS'];

const GH = ['remote.origin.url', 'https://github.com/acme/app.git'];
const MIRROR = { before: { '.github/workflows/ci.yml': GATED }, after: { '.forgejo/workflows/lint.yml': RUNS } };
// Moved from GitHub to GitLab: the step now in .gitlab-ci.yml, GitHub's workflow left without it.
const MOVED = {
  before: { '.github/workflows/ci.yml': GATED },
  after: { '.github/workflows/ci.yml': RUNS, '.gitlab-ci.yml': GL_GATED },
};

interface Run {
  code: number;
  outcome: string;
  note: string;
  /** The findings' messages, one a line. */
  found: string;
  r: TestRepo;
}

/** Alice's two signed commits (no policy: keys only), the remotes set in the repository's config, audited in `ciEnv`. */
async function audit(
  files: { before: Record<string, string>; after: Record<string, string> },
  remotes: string[][],
  ciEnv: Record<string, string> = {},
): Promise<Run> {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  configureSshSigning(r, alice);
  const keys = join(r.home, 'allowed');
  writeFileSync(keys, `alice@example.com ${alice.pub}\n`);
  commitAsPerson(r, alice, 'alice@example.com', 'ci', files.before);
  commitAsPerson(r, alice, 'alice@example.com', 'ci: tidy', files.after);
  for (const [key, value] of remotes) r.run(['config', '--add', key!, value!]);
  const env = { ...r.env };
  for (const v of CI_VARS) delete env[v];
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--format', 'json', '--allowed-signers', keys],
    { env: { ...env, ...ciEnv } },
  );
  const rule = resultOf(parseJson(res), 'ci-gate-kept');
  const found = rule.findings.map((f) => f.message).join('\n');
  return { code: res.code, outcome: rule.outcome, note: rule.note ?? '', found, r };
}

/** git's answer: the hosts of the remotes' URLs as git lists them. */
function remoteUrls(r: TestRepo): string[] {
  // `git config --get-regexp` exits 1 when nothing matches: no remote.
  if (!r.run(['remote']).trim()) return [];
  const out = r.run(['config', '--get-regexp', '^remote\\..*\\.(url|pushurl)$']);
  return out.split('\n').map((l) => l.slice(l.indexOf(' ') + 1));
}

describe('a GitHub-hosted repository with a Forgejo folder for a mirror’s own CI', () => {
  test('origin on github.com: passes, and says what only Forgejo would miss', async () => {
    const res = await audit(MIRROR, [GH]);
    expect(remoteUrls(res.r)).toEqual(['https://github.com/acme/app.git']);
    // git's listing: Forgejo now reads .forgejo/workflows, where no step runs gitguard.
    expect(res.r.run(['ls-tree', '--name-only', 'HEAD', '.forgejo/workflows/'])).toBe('.forgejo/workflows/lint.yml');
    expect([res.code, res.outcome]).toEqual([0, 'pass']);
    expect(res.note).toContain('1 change(s) that only Forgejo Actions would miss (remotes are on github.com)');
  });

  test('origin on github.com over ssh (scp form) too', async () => {
    const res = await audit(MIRROR, [['remote.origin.url', 'git@github.com:acme/app.git']]);
    expect([res.code, res.outcome]).toEqual([0, 'pass']);
  });

  test.each([
    ['a codeberg.org remote beside it', [GH, ['remote.codeberg.url', 'git@codeberg.org:acme/app.git']]],
    ['a codeberg.org push URL', [GH, ['remote.origin.pushurl', 'https://codeberg.org/acme/app.git']]],
    ['a self-hosted remote', [['remote.origin.url', 'https://git.example.org/acme/app.git']]],
    ['a path remote beside it', [GH, ['remote.backup.url', '/srv/git/app.git']]],
    ['a file:// remote', [['remote.origin.url', 'file:///srv/git/app.git']]],
    ['no remote', []],
  ])('%s: Forgejo may host it, still fails', async (_, remotes) => {
    const res = await audit(MIRROR, remotes);
    expect(remoteUrls(res.r)).toHaveLength(remotes.length);
    expect([res.code, res.outcome]).toEqual([1, 'fail']);
    expect(res.found).toContain('no longer run by Forgejo Actions');
  });

  test('twin: the gate removed from GitHub’s own workflow still fails on github.com', async () => {
    const res = await audit({ before: MIRROR.before, after: { '.github/workflows/ci.yml': RUNS } }, [GH]);
    expect([res.code, res.outcome]).toEqual([1, 'fail']);
    expect(res.found).toContain('no longer run by GitHub Actions, Forgejo Actions, Gitea Actions');
  });
});

describe('a repository that moved its CI from GitHub to GitLab, on gitlab.com', () => {
  const GL = ['remote.origin.url', 'https://gitlab-ci-token:x@gitlab.com/acme/app.git'];

  test('a GitLab CI job (GITLAB_CI=true) ignores the GitHub loss', async () => {
    const res = await audit(MOVED, [GL], { GITLAB_CI: 'true' });
    expect([res.code, res.outcome]).toEqual([0, 'pass']);
    expect(res.note).toContain(
      '1 change(s) that only GitHub Actions, Forgejo Actions, Gitea Actions would miss (remotes are on gitlab.com; this job runs in GitLab CI/CD)',
    );
    // The host only: the remote's credentials are never printed.
    expect(res.note + res.found).not.toContain('gitlab-ci-token');
  });

  test('twin: a GitHub Actions job of the same repository (a mirror) counts GitHub’s loss', async () => {
    const res = await audit(MOVED, [GL], { GITHUB_ACTIONS: 'true' });
    expect([res.code, res.outcome]).toEqual([1, 'fail']);
    expect(res.found).toContain('no longer run by GitHub Actions, Forgejo Actions, Gitea Actions');
  });

  test('twin: the gate removed from .gitlab-ci.yml fails there', async () => {
    const res = await audit(
      { before: { '.gitlab-ci.yml': GL_GATED }, after: { '.gitlab-ci.yml': 'test:\n  script: make test\n' } },
      [GL],
      { GITLAB_CI: 'true' },
    );
    expect([res.code, res.outcome]).toEqual([1, 'fail']);
    expect(res.found).toContain('no longer run by GitLab CI/CD');
  });
});

describe('a Forgejo Actions job on codeberg.org (its runner sets GITHUB_ACTIONS too)', () => {
  const CB = ['remote.origin.url', 'https://codeberg.org/acme/app.git'];
  // GitHub's step dropped; Forgejo reads .forgejo/workflows, whose gate stays.
  const DROPPED = {
    before: { '.github/workflows/ci.yml': GATED, '.forgejo/workflows/ci.yml': GATED },
    after: { '.github/workflows/ci.yml': RUNS },
  };

  test('FORGEJO_ACTIONS=true with GITHUB_ACTIONS=true: GitHub’s loss is not this forge’s', async () => {
    const res = await audit(DROPPED, [CB], { FORGEJO_ACTIONS: 'true', GITHUB_ACTIONS: 'true' });
    expect([res.code, res.outcome]).toEqual([0, 'pass']);
    expect(res.note).toContain('only GitHub Actions, Gitea Actions would miss');
  });

  test('twin: a GitHub Actions job (GITHUB_ACTIONS=true alone) counts it', async () => {
    const res = await audit(DROPPED, [CB], { GITHUB_ACTIONS: 'true' });
    expect([res.code, res.outcome]).toEqual([1, 'fail']);
    expect(res.found).toContain('no longer run by GitHub Actions, Gitea Actions');
  });
});
