// `gitguard audit --threat client` on this machine's own clients, end to end. On Debian 12 (git
// 1:2.39.5-0+deb12u3 and later) the bookworm security updates name six git CVEs as fixed: they must
// be reported as fixed by the distribution, and every failing client rule's severity must be the
// highest of the CVEs it leaves open. Skipped, saying why, where git is not a Debian package.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../../src/collect/client.js';
import { compareDebianVersions } from '../../src/vulndb/debian-version.js';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const DEBIAN_FIXED = [
  'CVE-2024-50349',
  'CVE-2024-52006',
  'CVE-2025-27613',
  'CVE-2025-46835',
  'CVE-2025-48384',
  'CVE-2025-48385',
];

/** Why this machine cannot run the Debian test, or undefined when it can. */
function notDebianGit(): string | undefined {
  const git = findOnPath('git');
  if (!git) return 'git is not on PATH';
  if (!existsSync('/usr/bin/dpkg-query')) return 'no dpkg-query: not a Debian or Ubuntu machine';
  try {
    const owner = execFileSync(
      '/usr/bin/dpkg-query',
      ['-S', execFileSync('readlink', ['-f', git], { encoding: 'utf8' }).trim()],
      { encoding: 'utf8' },
    );
    if (!/^git(:\S+)?: /m.test(owner)) return `${git} is not from the Debian git package`;
    const version = execFileSync('/usr/bin/dpkg-query', ['-W', '-f', '${Version}', 'git'], { encoding: 'utf8' });
    // The bookworm updates that name all six: 1:2.39.5-0+deb12u3 and later 2.39 builds.
    if (!version.startsWith('1:2.39.') || compareDebianVersions(version, '1:2.39.5-0+deb12u3') < 0)
      return `git ${version} is not Debian 12's 1:2.39.5-0+deb12u3 or later`;
  } catch {
    return 'dpkg does not know the git on PATH';
  }
  if (!existsSync('/usr/share/doc/git/changelog.Debian.gz'))
    return 'the git package documentation (changelog.Debian.gz) is not installed';
  return undefined;
}

let repo: TestRepo;
beforeAll(async () => {
  repo = makeRepo();
  repo.commit('first', { 'a.txt': 'a\n' });
});

/** Every failing client rule's severity is the highest of its open CVEs (its findings). */
function expectSeverityFromOpenCves(report: JsonReport): void {
  for (const r of report.results) {
    if (r.outcome !== 'fail' || !/-client-patched$/.test(r.meta.id)) continue;
    const open = r.findings.map((f) => String(f.evidence?.['severity']));
    expect(open.length).toBeGreaterThan(0);
    const highest = open.reduce((a, b) => (RANK[b]! > RANK[a]! ? b : a));
    expect({ rule: r.meta.id, severity: r.severity }).toEqual({ rule: r.meta.id, severity: highest });
  }
}

const reason = notDebianGit();
(reason ? describe.skip : describe)(`on this Debian machine${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let report: JsonReport;
  beforeAll(async () => {
    report = parseJson(await runMain(['audit', '--threat', 'client', '--format', 'json', repo.dir], { env: repo.env }));
  });

  test('the six CVEs the Debian changelog names are fixed by the distribution, with the changelog line, not open', async () => {
    const git = resultOf(report, 'git-client-patched');
    const settled = new Map((git.resolved ?? []).map((f) => [f.evidence?.['id'], f.evidence]));
    for (const id of DEBIAN_FIXED) {
      expect(settled.get(id)).toMatchObject({
        status: 'fixed-by-distribution',
        package: 'git',
        changelog: '/usr/share/doc/git/changelog.Debian.gz',
      });
      expect(String(settled.get(id)?.['changelogText'])).toContain(id);
      expect(settled.get(id)?.['changelogLine']).toEqual(expect.any(Number));
    }
    const open = git.findings.map((f) => f.evidence?.['id']);
    for (const id of DEBIAN_FIXED) expect(open).not.toContain(id);
    // gitk's CVE-2025-27614 came with 2.41.0: not open on 2.39.
    expect(open).not.toContain('CVE-2025-27614');
  });

  test("every finding's severity is the highest of its open CVEs", async () => {
    expectSeverityFromOpenCves(report);
  });

  test('the exit code gates on those severities: --fail-on above the highest open CVE passes', async () => {
    const failing = report.results.filter((r) => r.outcome === 'fail');
    const highest = failing.reduce((a, r) => Math.max(a, RANK[r.severity]!), 0);
    const above = ['low', 'medium', 'high', 'critical'].find((s) => RANK[s]! > highest);
    if (above)
      expect(
        (await runMain(['audit', '--threat', 'client', '--fail-on', above, repo.dir], { env: repo.env })).code,
      ).toBe(0);
    const at = ['low', 'medium', 'high', 'critical'].find((s) => RANK[s] === highest);
    if (at && failing.length)
      expect((await runMain(['audit', '--threat', 'client', '--fail-on', at, repo.dir], { env: repo.env })).code).toBe(
        1,
      );
  });

  test('gpg: one low CVE left open fails at low, so --fail-on high passes', async () => {
    const gpg = resultOf(report, 'gpg-client-patched');
    if (gpg.outcome !== 'fail') return;
    const open = gpg.findings.map((f) => String(f.evidence?.['severity']));
    if (open.some((s) => RANK[s]! >= RANK['high']!)) return;
    expect(
      (await runMain(['audit', '--rule', 'gpg-client-patched', '--fail-on', 'high', repo.dir], { env: repo.env })).code,
    ).toBe(0);
  });

  test('the SARIF level follows the same severity', async () => {
    const sarif = JSON.parse(
      (await runMain(['audit', '--threat', 'client', '--format', 'sarif', repo.dir], { env: repo.env })).stdout,
    ) as { runs: Array<{ results: Array<{ ruleId: string; level: string; properties: { severity: string } }> }> };
    for (const res of sarif.runs[0]!.results) {
      const r = resultOf(report, res.ruleId);
      expect(res.properties.severity).toBe(r.severity);
    }
  });

  test('-q prints no CVE list: one summary line per tool under each failed rule', async () => {
    const q = await runMain(['audit', '-q', '--threat', 'client', repo.dir], { env: repo.env });
    expect(q.stdout).not.toMatch(/^\s+- CVE-/m);
    expect(q.stdout).toMatch(/git 2\.39\.\d+ .*fixed by the distribution/);
  });
});

test('a git with no package record (a self-built one in a temp folder) says so plainly', async () => {
  const dir = tempDir('gitguard-selfbuilt-');
  const real = findOnPath('git') as string;
  writeFileSync(
    join(dir, 'git'),
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version 2.39.2"; exit 0; fi\nexec "${real}" "$@"\n`,
  );
  chmodSync(join(dir, 'git'), 0o755);
  const json = parseJson(
    await runMain(['audit', '--rule', 'git-client-patched', '--format', 'json', repo.dir], {
      env: { ...repo.env, PATH: `${dir}:${repo.env.PATH ?? process.env.PATH}` },
    }),
  );
  const git = resultOf(json, 'git-client-patched');
  expect(git.outcome).toBe('fail');
  expect(git.note).toMatch(/No distribution record: /);
  expect(git.resolved ?? []).toEqual([]);
  expectSeverityFromOpenCves(json);
});
