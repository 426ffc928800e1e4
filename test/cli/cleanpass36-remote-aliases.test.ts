// Clean pass 36: ci-gate-kept counts a lost gate only for the forges that may host the repository,
// read from the remotes' hosts. It read the URLs as written, so `url."git@github.com:".insteadOf gh:`
// with `origin = gh:acme/app` (a common set-up) named an unknown host "gh": any forge, and a Codeberg
// mirror's own CI failed a GitHub repository forever. The other way, a github.com URL that git
// rewrites to a self-hosted server passed as GitHub-only. The hosts are now those of the URLs git
// uses (`git remote get-url`, `--push`). And a gate lost only through the chain of files a forge's CI
// runs (ciChainLostFor) counted for every forge: it is judged forge by forge now, as the direct case.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { auditRules, resultOf, runMain } from '../helpers/cli.js';
import { checkoutWorkflow } from '../helpers/team.js';
import { ghClassic, ghRuleset, github, startForge } from '../helpers/forge.js';

afterAll(cleanupTemp);

const RUNS = checkoutWorkflow('      - run: make test\n');
const GATED = checkoutWorkflow('      - run: make test\n      - run: npx gitguard audit\n');
const MIRROR = { before: { '.github/workflows/ci.yml': GATED }, after: { '.forgejo/workflows/lint.yml': RUNS } };
const CI_VARS = ['GITHUB_ACTIONS', 'GITLAB_CI', 'FORGEJO_ACTIONS', 'GITEA_ACTIONS'];

/** Two unsigned commits (no policy: every removal judged), `config` set with `git config --add`, audited outside any CI. */
async function gate(
  files: { before: Record<string, string>; after: Record<string, string> },
  config: string[][],
): Promise<{ result: string; note: string; found: string; r: TestRepo }> {
  const r = makeRepo();
  r.commit('ci', files.before);
  r.commit('ci: tidy', files.after);
  for (const [key, value] of config) r.run(['config', '--add', key!, value!]);
  const env = { ...r.env };
  for (const v of CI_VARS) delete env[v];
  const { code, report } = await auditRules(r.dir, env, ['ci-gate-kept'], true);
  const rule = resultOf(report, 'ci-gate-kept');
  return {
    result: `${code} ${rule.outcome}`,
    note: rule.note ?? '',
    found: rule.findings.map((f) => f.message).join('\n'),
    r,
  };
}

const GH_ALIAS = [
  ['url.git@github.com:.insteadOf', 'gh:'],
  ['remote.origin.url', 'gh:acme/app'],
];

describe('a remote named through url.<base>.insteadOf', () => {
  test('origin = gh:acme/app, gh: standing for git@github.com: — a Codeberg mirror’s CI folder passes (before: failed)', async () => {
    const res = await gate(MIRROR, GH_ALIAS);
    // git's answer: the URL it fetches from is on github.com.
    expect(res.r.run(['remote', 'get-url', 'origin'])).toBe('git@github.com:acme/app');
    expect(res.r.run(['ls-remote', '--get-url', 'origin'])).toBe('git@github.com:acme/app');
    expect(res.result).toBe('0 pass');
    expect(res.note).toContain('1 change(s) that only Forgejo Actions would miss (remotes are on github.com)');
  });

  test('pushInsteadOf to github.com over ssh, fetch over https: still github.com only', async () => {
    const res = await gate(MIRROR, [
      ['url.git@github.com:.pushInsteadOf', 'https://github.com/'],
      ['remote.origin.url', 'https://github.com/acme/app.git'],
    ]);
    expect(res.r.run(['remote', 'get-url', '--push', 'origin'])).toBe('git@github.com:acme/app.git');
    expect(res.result).toBe('0 pass');
  });

  test('twin: the same alias, GitHub’s own step removed: fails', async () => {
    const res = await gate({ before: MIRROR.before, after: { '.github/workflows/ci.yml': RUNS } }, GH_ALIAS);
    expect(res.result).toBe('1 fail');
    expect(res.found).toContain('no longer run by GitHub Actions');
  });

  test('twin: the alias with no rewrite configured names no known host: any forge, fails', async () => {
    const res = await gate(MIRROR, [['remote.origin.url', 'gh:acme/app']]);
    expect(res.r.run(['remote', 'get-url', 'origin'])).toBe('gh:acme/app');
    expect([res.result, res.found]).toEqual(['1 fail', expect.stringContaining('no longer run by Forgejo Actions')]);
  });

  test('twin: pushes rewritten to codeberg.org (pushInsteadOf): Forgejo may host it, fails', async () => {
    const res = await gate(MIRROR, [...GH_ALIAS, ['url.git@codeberg.org:.pushInsteadOf', 'gh:']]);
    expect(res.r.run(['remote', 'get-url', '--push', 'origin'])).toBe('git@codeberg.org:acme/app');
    expect(res.result).toBe('1 fail');
  });

  test('a github.com URL git rewrites to a self-hosted server may be any forge: fails (before: passed as GitHub-only)', async () => {
    const res = await gate(MIRROR, [
      ['url.https://git.example.org/.insteadOf', 'https://github.com/'],
      ['remote.origin.url', 'https://github.com/acme/app.git'],
    ]);
    expect(res.r.run(['remote', 'get-url', 'origin'])).toBe('https://git.example.org/acme/app.git');
    expect(res.result).toBe('1 fail');
  });
});

describe('a gate lost only through the chain of scripts a forge’s CI runs', () => {
  const wf = (script: string): string => checkoutWorkflow(`      - run: ./scripts/${script}\n`);
  const before = {
    '.github/workflows/ci.yml': wf('gate.sh'),
    '.forgejo/workflows/ci.yml': wf('mirror-gate.sh'),
    'scripts/gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
    'scripts/mirror-gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
  };
  const GH = [['remote.origin.url', 'https://github.com/acme/app.git']];
  const OFF = '#!/bin/sh\nexit 0\n';

  test('only the Codeberg mirror’s chain gutted, repository on github.com: passes (before: failed)', async () => {
    const res = await gate({ before, after: { 'scripts/mirror-gate.sh': OFF } }, GH);
    // git's listing: Forgejo reads .forgejo/workflows, whose one job runs the script gutted.
    expect(res.r.run(['ls-tree', '--name-only', 'HEAD', '.forgejo/workflows/'])).toBe('.forgejo/workflows/ci.yml');
    expect(res.result).toBe('0 pass');
    expect(res.note).toContain('1 change(s) that only Forgejo Actions would miss (remotes are on github.com)');
  });

  test('twin: the same on codeberg.org fails, naming Forgejo', async () => {
    const res = await gate({ before, after: { 'scripts/mirror-gate.sh': OFF } }, [
      ['remote.origin.url', 'https://codeberg.org/acme/app.git'],
    ]);
    expect(res.result).toBe('1 fail');
    expect(res.found).toContain('no longer run by Forgejo Actions');
  });

  test('twin: GitHub’s chain gutted on github.com fails', async () => {
    const res = await gate({ before, after: { 'scripts/gate.sh': OFF } }, GH);
    expect(res.result).toBe('1 fail');
    expect(res.found).toContain('no longer run by GitHub Actions');
  });

  test('twin: no remote: any forge, fails', async () => {
    const res = await gate({ before, after: { 'scripts/mirror-gate.sh': OFF } }, []);
    expect(res.result).toBe('1 fail');
  });
});

describe('audit --forge reads the repository from origin as git fetches it', () => {
  /** `audit --forge` (auto) with `config` set: its exit code, first stderr line and the API paths it read. */
  async function forgeAudit(config: string[][]): Promise<{ code: number; err: string; paths: string[]; r: TestRepo }> {
    const r = makeRepo();
    r.commit('first', { 'a.txt': 'a\n' });
    for (const [key, value] of config) r.run(['config', '--add', key!, value!]);
    const forge = await startForge(
      github({ classic: { body: ghClassic() }, rulesets: [ghRuleset({ id: 7, target: 'tag' })] }),
    );
    try {
      const env: NodeJS.ProcessEnv = { ...r.env, GITHUB_API_URL: forge.url, GH_TOKEN: 'ghp_test' };
      for (const v of CI_VARS) delete env[v];
      delete env.GITHUB_REPOSITORY;
      const res = await runMain(['audit', '--forge', r.dir, '-r', 'forge-force-pushes-blocked', '--format', 'json'], {
        env,
      });
      return { code: res.code, err: res.stderr.split('\n')[0]!, paths: forge.requests.map((q) => q.path), r };
    } finally {
      await forge.close();
    }
  }

  test('origin = gh:acme/app through insteadOf: GitHub, acme/app (before: "cannot tell which forge hosts gh")', async () => {
    const res = await forgeAudit(GH_ALIAS);
    expect(res.r.run(['remote', 'get-url', 'origin'])).toBe('git@github.com:acme/app');
    expect([res.code, res.err]).toEqual([0, '']);
    expect(res.paths).toContain('/repos/acme/app');
  });

  test('origin with two urls: the first, the one git fetches (before: the last)', async () => {
    const res = await forgeAudit([
      ['remote.origin.url', 'https://github.com/acme/app.git'],
      ['remote.origin.url', 'https://github.com/other/copy.git'],
    ]);
    expect(res.r.run(['remote', 'get-url', 'origin'])).toBe('https://github.com/acme/app.git');
    expect(res.code).toBe(0);
    expect(res.paths).toContain('/repos/acme/app');
    expect(res.paths).not.toContain('/repos/other/copy');
  });

  test('twin: the alias with no rewrite names no forge: refused (exit 2)', async () => {
    const res = await forgeAudit([['remote.origin.url', 'gh:acme/app']]);
    expect([res.code, res.err]).toEqual([2, expect.stringContaining('cannot tell which forge hosts gh')]);
    expect(res.paths).toEqual([]);
  });
});

describe('remotes-use-secure-transport judges the URL git uses', () => {
  /** remotes-use-secure-transport on a repository with `config` set, and git's URLs for origin (fetch, push). */
  async function transport(config: string[][]): Promise<{ result: string; found: string; urls: string[] }> {
    const r = makeRepo();
    r.commit('first', { 'a.txt': 'a\n' });
    for (const [key, value] of config) r.run(['config', '--add', key!, value!]);
    const { code, report } = await auditRules(r.dir, r.env, ['remotes-use-secure-transport'], true);
    const rule = resultOf(report, 'remotes-use-secure-transport');
    const urls = [r.run(['remote', 'get-url', 'origin']), r.run(['remote', 'get-url', '--push', 'origin'])];
    return { result: `${code} ${rule.outcome}`, found: rule.findings.map((f) => f.message).join('\n'), urls };
  }

  test('an old git:// clone with url.https://.insteadOf git:// passes (before: failed)', async () => {
    const res = await transport([
      ['url.https://.insteadOf', 'git://'],
      ['remote.origin.url', 'git://github.com/acme/app.git'],
    ]);
    expect(res.urls).toEqual(['https://github.com/acme/app.git', 'https://github.com/acme/app.git']);
    expect(res.result).toBe('0 pass');
  });

  test('twin: the same remote without the rewrite fails', async () => {
    const res = await transport([['remote.origin.url', 'git://github.com/acme/app.git']]);
    expect(res.urls).toEqual(['git://github.com/acme/app.git', 'git://github.com/acme/app.git']);
    expect(res.result).toBe('1 fail');
  });

  test('twin: an https remote pushed to http:// (pushInsteadOf) fails (before: passed)', async () => {
    const res = await transport([
      ['url.http://git.example.org/.pushInsteadOf', 'https://git.example.org/'],
      ['remote.origin.url', 'https://git.example.org/app.git'],
    ]);
    expect(res.urls).toEqual(['https://git.example.org/app.git', 'http://git.example.org/app.git']);
    expect(res.result).toBe('1 fail');
    expect(res.found).toContain('which git pushes to as http://git.example.org/app.git');
  });
});
