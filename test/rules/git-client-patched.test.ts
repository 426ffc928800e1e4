import rule from '../../src/rules/git-client-patched.js';
import { available, unavailable, type ToolVersion } from '../../src/domain/model.js';
import { evaluate, factsWith, runTable } from '../helpers/facts.js';

const git = (raw: string, program = '/opt/git/bin/git'): ToolVersion[] => [{ tool: 'git', program, raw }];
const withGit = (raw: string, platform: 'linux' | 'windows' | 'macos' = 'linux') =>
  factsWith({ client: available(git(raw)), platform });

describe('git-client-patched', () => {
  runTable(rule, [
    // Expectations from git's release notes: 2.39.2 predates the 2.39.3 (April 2023) and 2.39.4 (May 2024) security releases.
    {
      name: 'fails on git 2.39.2, naming CVE-2023-25652 and CVE-2024-32002',
      facts: withGit('git version 2.39.2'),
      outcome: 'fail',
      mentions: ['CVE-2023-25652', 'CVE-2024-32002'],
    },
    {
      name: 'fails on a 2.45.0 Apple build, naming CVE-2024-32002 fixed in 2.45.1',
      facts: withGit('git version 2.45.0 (Apple Git-154)', 'macos'),
      outcome: 'fail',
      mentions: ['CVE-2024-32002 (critical)', 'fixed in 2.45.1 on the 2.45 line'],
    },
    {
      name: 'passes on a release newer than every fix in the data',
      facts: withGit('git version 9.0.0'),
      outcome: 'pass',
    },
    {
      name: 'is not available when git is not installed',
      facts: factsWith({ client: available([]) }),
      outcome: 'not-available',
    },
    {
      name: 'is not available when the client could not be probed',
      facts: factsWith({ client: unavailable('spawn failed') }),
      outcome: 'not-available',
    },
    {
      name: 'is not available for an unreadable version string',
      facts: withGit('git version banana'),
      outcome: 'not-available',
    },
  ]);

  test('names the release that fixes everything when the maintenance line has no fix for all', () => {
    // The 2.39 line got no backport of the 2.48.1/2.50.1 fixes, so only a newer line helps.
    const ev = evaluate(rule, withGit('git version 2.39.2'));
    expect(ev.note).toMatch(
      /^git 2\.39\.2 is affected by \d+ known vulnerabilities; upgrade to 2\.\d+\.\d+ \(overall\)/,
    );
    expect(ev.note).not.toContain('your 2.39 line');
  });

  test("each finding names the fix on the finding's own maintenance line", () => {
    const ev = evaluate(rule, withGit('git version 2.39.2'));
    const f = ev.findings?.find((x) => x.evidence?.id === 'CVE-2024-32002');
    expect(f?.evidence).toMatchObject({ version: '2.39.2', fixedOnLine: '2.39.4', severity: 'critical' });
  });

  test('a Windows-only CVE does not apply on linux but does on windows', () => {
    // CVE-2024-32004's sibling CVE-2024-32020/21 are all-platform; CVE-2023-29012 (Git for Windows, fixed 2.40.1) is windows-only.
    const linux = evaluate(rule, withGit('git version 2.40.0'));
    const windows = evaluate(rule, withGit('git version 2.40.0.windows.1', 'windows'));
    const ids = (ev: typeof linux) => (ev.findings ?? []).map((f) => f.evidence?.id);
    expect(ids(windows).length).toBeGreaterThan(ids(linux).length);
  });
});
