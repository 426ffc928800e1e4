// Client rules with the distribution's record: a CVE the installed package's changelog names as
// fixed is settled (with the changelog line), the severity is the highest of the CVEs left open,
// and a CVE the changelog names that the data lacks makes client-data-fresh warn (never fail).
import gitRule from '../../src/rules/git-client-patched.js';
import gpgRule from '../../src/rules/gpg-client-patched.js';
import sshRule from '../../src/rules/ssh-client-patched.js';
import lfsRule from '../../src/rules/git-lfs-client-patched.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cveMentions, parseDebianChangelog } from '../../src/vulndb/distro-changelog.js';
import { compareDebianVersions } from '../../src/vulndb/debian-version.js';
import { affecting } from '../../src/vulndb/database.js';
import { vulnerabilityDatabase } from '../../src/engine/rule-data.js';
import { TOOL_SCHEMES } from '../../src/vulndb/tool-versions.js';
import { ROOT } from '../helpers/cli.js';
import freshRule from '../../src/rules/client-data-fresh.js';
import { available, type Facts, type ToolVersion } from '../../src/domain/model.js';
import type { CveMention, DistroRecord } from '../../src/vulndb/distro-changelog.js';
import { evaluate, factsWith } from '../helpers/facts.js';

const mention = (id: string, version: string, line: number, text = `* Fix ${id}`): CveMention => ({
  id,
  version,
  line,
  text,
  negated: false,
});
const record = (pkg: string, version: string, mentions: CveMention[]): DistroRecord => ({
  kind: 'changelog',
  manager: 'dpkg',
  package: pkg,
  version,
  source: `/usr/share/doc/${pkg}/changelog.Debian.gz`,
  mentions,
});
const tool = (t: ToolVersion['tool'], raw: string, rec?: DistroRecord): ToolVersion => ({
  tool: t,
  program: `/usr/bin/${t}`,
  raw,
  source: 'PATH',
  ...(rec ? { record: rec } : {}),
});
const withTools = (tools: ToolVersion[]): Facts =>
  factsWith({ client: available(tools), now: Date.parse('2026-12-05T12:00:00Z') });

// As Debian 12's git 1:2.39.5-0+deb12u3 changelog names them.
const BOOKWORM_GIT = [
  mention('CVE-2025-27613', '1:2.39.5-0+deb12u3', 5),
  mention('CVE-2025-46835', '1:2.39.5-0+deb12u3', 6),
  mention('CVE-2025-48384', '1:2.39.5-0+deb12u3', 7),
  mention('CVE-2025-48385', '1:2.39.5-0+deb12u3', 8),
  mention('CVE-2024-50349', '1:2.39.5-0+deb12u2', 16, '* credential: sanitize the user prompt (CVE-2024-50349)'),
  mention('CVE-2024-52006', '1:2.39.5-0+deb12u2', 18, '(CVE-2024-52006)'),
];

describe('git-client-patched with a Debian changelog', () => {
  const ev = evaluate(
    gitRule,
    withTools([tool('git', 'git version 2.39.5', record('git', '1:2.39.5-0+deb12u3', BOOKWORM_GIT))]),
  );

  test('the CVEs the changelog names are fixed by the distribution, with the entry and line as evidence', () => {
    const settled = new Map((ev.resolved ?? []).map((f) => [f.evidence?.['id'], f.evidence]));
    expect([...settled.keys()].sort()).toEqual(BOOKWORM_GIT.map((m) => m.id).sort());
    expect(settled.get('CVE-2025-48384')).toMatchObject({
      status: 'fixed-by-distribution',
      package: 'git',
      changelogVersion: '1:2.39.5-0+deb12u3',
      changelogLine: 7,
      changelogText: '* Fix CVE-2025-48384',
    });
  });

  test("only the CVE it does not name stays open, and the severity is that CVE's", () => {
    expect(ev.outcome).toBe('fail');
    expect((ev.findings ?? []).map((f) => f.evidence?.['id'])).toEqual(['CVE-2024-52005']);
    expect(ev.severity).toBe('low');
    expect(ev.note).toContain('6 more are fixed by the distribution (Debian package git 1:2.39.5-0+deb12u3)');
  });

  test("the severity is the highest of the open CVEs, not the rule's own", () => {
    const partial = evaluate(
      gitRule,
      withTools([tool('git', 'git version 2.39.5', record('git', '1:2.39.5-0+deb12u2', BOOKWORM_GIT.slice(4)))]),
    );
    // Open: the July 2025 batch (high) and the sideband bug (low).
    expect(partial.severity).toBe('high');
    expect((partial.findings ?? []).map((f) => f.evidence?.['severity'])).toContain('low');
  });

  test('passes when the changelog names every CVE that applies', () => {
    const all = evaluate(
      gitRule,
      withTools([
        tool(
          'git',
          'git version 2.39.5',
          record('git', '1:2.39.5-0+deb99', [...BOOKWORM_GIT, mention('CVE-2024-52005', '1:2.39.5-0+deb99', 3)]),
        ),
      ]),
    );
    expect(all.outcome).toBe('pass');
    expect(all.severity).toBeUndefined();
    expect(all.note).toMatch(/no known vulnerability left open: 7 fixed by the distribution/);
  });

  test('a changelog line that reverts the fix does not settle the CVE', () => {
    const reverted = evaluate(
      gitRule,
      withTools([
        tool(
          'git',
          'git version 2.39.5',
          record('git', '1:2.39.5-0+deb12u3', [
            { ...mention('CVE-2025-48384', '1:2.39.5-0+deb12u3', 7), negated: true },
          ]),
        ),
      ]),
    );
    expect((reverted.findings ?? []).map((f) => f.evidence?.['id'])).toContain('CVE-2025-48384');
  });
});

test('gpg-client-patched fails at low, not high, when one low CVE is open (Debian 12 gpg)', () => {
  const ev = evaluate(
    gpgRule,
    withTools([
      tool(
        'gpg',
        'gpg (GnuPG) 2.2.40',
        record('gpg', '2.2.40-1.1+deb12u2', [mention('CVE-2025-68973', '2.2.40-1.1+deb12u2', 4)]),
      ),
    ]),
  );
  expect(ev.outcome).toBe('fail');
  expect((ev.findings ?? []).map((f) => f.evidence?.['id'])).toEqual(['CVE-2025-30258']);
  expect(ev.severity).toBe('low');
  expect((ev.resolved ?? []).map((f) => f.evidence?.['id'])).toEqual(['CVE-2025-68973']);
});

test('without a distribution record the note says why, plainly', () => {
  const ev = evaluate(
    gitRule,
    withTools([
      tool('git', 'git version 2.39.5', {
        kind: 'none',
        reason:
          'no distribution record: Homebrew builds upstream releases without backports: the upstream version is the whole story',
      }),
    ]),
  );
  expect(ev.outcome).toBe('fail');
  expect(ev.note).toContain('No distribution record: Homebrew builds upstream releases without backports');
  expect(ev.resolved).toBeUndefined();
});

describe('client-data-fresh cross-checks the changelogs', () => {
  test('a CVE the changelog names that the database neither lists nor excludes is unknown to gitguard: a warning', () => {
    const ev = evaluate(
      freshRule,
      withTools([
        tool(
          'git',
          'git version 2.39.5',
          record('git', '1:2.39.5-0+deb12u9', [...BOOKWORM_GIT, mention('CVE-2099-12345', '1:2.39.5-0+deb12u9', 3)]),
        ),
      ]),
    );
    expect(ev.outcome).toBe('warn');
    expect(ev.findings).toHaveLength(1);
    expect(ev.findings?.[0]?.message).toMatch(
      /^CVE-2099-12345 is unknown to gitguard: the changelog of git 1:2\.39\.5-0\+deb12u9 names it/,
    );
    expect(ev.findings?.[0]?.evidence).toMatchObject({
      status: 'unknown-to-gitguard',
      database: 'git',
      changelogLine: 3,
    });
  });

  // Debian 12's newest openssh as recorded: deb12u9 names CVE-2026-3497, a bug of the distributions'
  // GSS-API key exchange patch that no upstream release has; a fully updated machine is not warned.
  const bookwormSsh = (extra = ''): Facts => {
    const text =
      extra +
      readFileSync(join(ROOT, 'test', 'fixtures', 'distro', 'openssh-client-deb12u10.changelog.Debian'), 'utf8');
    const version = parseDebianChangelog(text)[0]!.version;
    const rec = record('openssh-client', version, cveMentions(parseDebianChangelog(text), version));
    return withTools([
      tool('ssh', `OpenSSH_9.2p1 Debian-${version.replace(/^1:9\.2p1-/, '')}, OpenSSL 3.0.19 27 Jan 2026`, rec),
    ]);
  };

  test('the recorded changelog of openssh 1:9.2p1-2+deb12u10 names no CVE unknown to gitguard', () => {
    const ev = evaluate(freshRule, bookwormSsh());
    expect(ev.outcome).toBe('pass');
  });

  test('a later entry of that changelog naming a CVE the data does not classify (CVE-2026-60000) still warns', () => {
    const ev = evaluate(
      freshRule,
      bookwormSsh(
        'openssh (1:9.2p1-2+deb12u11) bookworm-security; urgency=medium\n\n  * CVE-2026-60000: backport from 10.4p1.\n\n -- A <a@example.org>  Mon, 01 Jun 2026 10:00:00 +0000\n\n',
      ),
    );
    expect(ev.outcome).toBe('warn');
    expect(ev.findings?.map((f) => f.evidence?.['id'])).toEqual(['CVE-2026-60000']);
  });

  test('CVEs excluded on purpose (sshd-only, a misspelt id) are not reported', () => {
    const ev = evaluate(
      freshRule,
      withTools([
        tool(
          'ssh',
          'OpenSSH_9.2p1 Debian-2+deb12u6',
          record('openssh-client', '1:9.2p1-2+deb12u6', [
            mention('CVE-2025-32728', '1:9.2p1-2+deb12u6', 3),
            mention('CVE-2021-41617', '1:8.7p1-1', 811),
          ]),
        ),
        tool(
          'git',
          'git version 2.39.5',
          record('git', '1:2.39.5-0+deb12u3', [mention('CVE-2023-32021', '1:2.39.5-0+deb12u1', 27)]),
        ),
      ]),
    );
    expect(ev.outcome).toBe('pass');
  });
});

test("ssh-client-patched with the recorded changelog of Debian 12's newest openssh (1:9.2p1-2+deb12u10): its backports are settled", () => {
  const text = readFileSync(
    join(ROOT, 'test', 'fixtures', 'distro', 'openssh-client-deb12u10.changelog.Debian'),
    'utf8',
  );
  const rec = record(
    'openssh-client',
    '1:9.2p1-2+deb12u10',
    cveMentions(parseDebianChangelog(text), '1:9.2p1-2+deb12u10'),
  );
  const ev = evaluate(
    sshRule,
    withTools([tool('ssh', 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026', rec)]),
  );
  const settled = (ev.resolved ?? []).map((f) => f.evidence?.['id']);
  for (const id of ['CVE-2025-61984', 'CVE-2025-61985', 'CVE-2026-35386', 'CVE-2026-35388', 'CVE-2025-26465'])
    expect(settled).toContain(id);
  const open = (ev.findings ?? []).map((f) => f.evidence?.['id']);
  for (const id of settled) expect(open).not.toContain(id);
  // What is left open sets the severity: the highest of those.
  const rank = { low: 1, medium: 2, high: 3, critical: 4 } as Record<string, number>;
  const highest = (ev.findings ?? [])
    .map((f) => String(f.evidence?.['severity']))
    .reduce((a, b) => (rank[b]! > rank[a]! ? b : a));
  expect(ev.severity).toBe(highest);
});

// Every Debian 12 revision of the recorded changelogs (downloaded with `apt-get download`), judged as
// installed: a CVE its changelog names at or below the revision is settled by the distribution, one
// named only by a later revision, or not at all, stays open. The version lines are what the packaged
// programs print (git-lfs 3.3.0-1+deb12u1 prints "GitHub" as its builder, as upstream's do).
describe.each([
  ['git', gitRule, 'git', 'git.changelog.Debian', (_v: string): string => 'git version 2.39.5'],
  ['gpg', gpgRule, 'gpg', 'gpg.changelog.Debian', (_v: string): string => 'gpg (GnuPG) 2.2.40'],
  [
    'ssh',
    sshRule,
    'openssh-client',
    'openssh-client-deb12u10.changelog.Debian',
    (v: string): string => `OpenSSH_9.2p1 Debian-${v.replace(/^1:9\.2p1-/, '')}, OpenSSL 3.0.19 27 Jan 2026`,
  ],
  [
    'git-lfs',
    lfsRule,
    'git-lfs',
    'git-lfs.changelog.Debian',
    (_v: string): string => 'git-lfs/3.3.0 (GitHub; linux amd64; go 1.19.8)',
  ],
] as const)('%s at each revision of its recorded Debian 12 changelog', (name, rule, pkg, file, printed) => {
  const entries = parseDebianChangelog(readFileSync(join(ROOT, 'test', 'fixtures', 'distro', file), 'utf8'));
  const upstream = (v: string): string => v.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  const revisions = entries.map((e) => e.version).filter((v) => upstream(v) === upstream(entries[0]!.version));
  const named = cveMentions(entries).filter((m) => !m.negated);

  test.each(revisions)('%s', (revision) => {
    const raw = printed(revision);
    const ev = evaluate(rule, withTools([tool(name, raw, record(pkg, revision, cveMentions(entries, revision)))]));
    const db = vulnerabilityDatabase(TOOL_SCHEMES[name].database);
    const hits = affecting(db, TOOL_SCHEMES[name].parse(raw)!, 'linux').map((e) => e.id);
    expect(hits.length).toBeGreaterThan(0);
    const settledBy = (id: string): boolean =>
      named.some((m) => m.id === id && compareDebianVersions(m.version, revision) <= 0);
    const settled = (ev.resolved ?? []).map((f) => f.evidence?.['id']).sort();
    const open = (ev.findings ?? []).map((f) => f.evidence?.['id']).sort();
    expect(settled).toEqual(hits.filter(settledBy).sort());
    expect(open).toEqual(hits.filter((id) => !settledBy(id)).sort());
    expect(ev.outcome).toBe(open.length ? 'fail' : 'pass');
  });
});
