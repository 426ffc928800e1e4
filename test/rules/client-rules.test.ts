// The client rules beside git-client-patched: GnuPG, OpenSSH, Git LFS, the policy's minimum
// versions and the age of the data. Expectations come from the projects' release notes (see
// test/vulndb/tool-versions.test.ts for which note says what).
import gpgRule from '../../src/rules/gpg-client-patched.js';
import sshRule from '../../src/rules/ssh-client-patched.js';
import lfsRule from '../../src/rules/git-lfs-client-patched.js';
import freshRule from '../../src/rules/client-data-fresh.js';
import minRule from '../../src/rules/client-min-versions.js';
import { available, unavailable, type Facts, type ToolVersion } from '../../src/domain/model.js';
import { evaluate, factsWith, policyWith, runTable } from '../helpers/facts.js';

const tool = (t: ToolVersion['tool'], raw: string, extra: Partial<ToolVersion> = {}): ToolVersion => ({
  tool: t,
  program: `/opt/bin/${t}`,
  raw,
  ...extra,
});
const withTools = (tools: ToolVersion[], platform: Facts['platform'] = 'linux'): Facts =>
  factsWith({ client: available(tools), platform });

describe('gpg-client-patched', () => {
  runTable(gpgRule, [
    {
      name: 'fails on GnuPG 2.2.7, naming SigSpoof CVE-2018-12020 fixed in 2.2.8',
      facts: withTools([tool('gpg', 'gpg (GnuPG) 2.2.7')]),
      outcome: 'fail',
      mentions: ['CVE-2018-12020 (high)', 'fixed in 2.2.8 on the 2.2 line'],
    },
    {
      name: 'fails on GnuPG 2.3.6, naming CVE-2022-34903 fixed in 2.3.7 on its line',
      facts: withTools([tool('gpg', 'gpg (GnuPG) 2.3.6')]),
      outcome: 'fail',
      mentions: ['CVE-2022-34903', 'fixed in 2.3.7 on the 2.3 line'],
    },
    { name: 'passes on GnuPG 2.4.9', facts: withTools([tool('gpg', 'gpg (GnuPG) 2.4.9')]), outcome: 'pass' },
    {
      name: 'is a skip (not available), not an error, when gpg is not installed',
      facts: withTools([tool('git', 'git version 2.55.0')]),
      outcome: 'not-available',
    },
    {
      name: 'is not available when the client could not be probed',
      facts: factsWith({ client: unavailable('spawn failed') }),
      outcome: 'not-available',
    },
    {
      name: 'is not available when the only gpg is a gpg.program inside the repository, which is not run',
      facts: withTools([
        tool('gpg', '', {
          program: '/r/tools/gpg',
          notRun: 'it lives inside the audited repository',
          source: 'gpg.program in /home/u/.gitconfig (global)',
        }),
      ]),
      outcome: 'not-available',
    },
    {
      name: 'fails when the global gpg.program is old even if the gpg on PATH is new',
      facts: withTools([
        tool('gpg', 'gpg (GnuPG) 2.4.9'),
        tool('gpg', 'gpg (GnuPG) 2.2.7', {
          program: '/opt/old/gpg',
          source: 'gpg.program in /home/u/.gitconfig (global)',
        }),
      ]),
      outcome: 'fail',
      mentions: ['CVE-2018-12020', '[gpg /opt/old/gpg]'],
    },
  ]);

  test('says when a gpg.program is reported but not run, beside the judged one', () => {
    const ev = evaluate(
      gpgRule,
      withTools([
        tool('gpg', 'gpg (GnuPG) 2.4.9'),
        tool('gpg', '', { program: '/r/bin/gpg', notRun: 'it lives inside the audited repository' }),
      ]),
    );
    expect(ev.outcome).toBe('warn');
    expect(ev.note).toContain('/r/bin/gpg');
    expect(ev.note).toContain('not run: it lives inside the audited repository');
  });

  test('a Debian build says the distribution may have backported the fix', () => {
    const ev = evaluate(
      gpgRule,
      withTools([tool('gpg', 'gpg (GnuPG) 2.2.40', { distribution: 'debian 12: gpg 2.2.40-1.1+deb12u2' })]),
    );
    expect(ev.outcome).toBe('fail');
    expect(ev.note).toContain('may have backported fixes');
    expect(ev.note).toContain('2.2.40-1.1+deb12u2');
  });
});

describe('ssh-client-patched', () => {
  runTable(sshRule, [
    {
      name: 'fails on OpenSSH 9.2p1 (Debian), naming Terrapin and the ProxyCommand bug fixed in 9.6p1',
      facts: withTools([tool('ssh', 'OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026')]),
      outcome: 'fail',
      mentions: ['CVE-2023-48795', 'CVE-2023-51385', 'fixed in 9.6p1', 'CVE-2023-38408 (critical)', 'fixed in 9.3p2'],
    },
    {
      name: 'fails on OpenSSH for Windows 9.5p1 with Terrapin',
      facts: withTools([tool('ssh', 'OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2')], 'windows'),
      outcome: 'fail',
      mentions: ['CVE-2023-48795'],
    },
    {
      name: 'passes on OpenSSH 10.5p1',
      facts: withTools([tool('ssh', 'OpenSSH_10.5p1, OpenSSL 3.5.3 16 Sep 2025')]),
      outcome: 'pass',
    },
    {
      name: 'judges an ssh-keygen in another folder by the ssh beside it',
      facts: withTools([tool('ssh', 'OpenSSH_10.5p1'), tool('ssh-keygen', 'OpenSSH_9.3p1')]),
      outcome: 'fail',
      mentions: ['CVE-2023-38408', '[ssh-keygen /opt/bin/ssh-keygen]'],
    },
    {
      name: 'fails on HPN-SSH built on OpenSSH 9.7p1, with the upstream CVEs fixed after 9.7p1',
      facts: withTools([tool('ssh', 'OpenSSH_9.7p1-hpn18.3.1, OpenSSL 3.0.13 30 Jan 2024')]),
      outcome: 'fail',
      mentions: ['CVE-2025-26465', 'CVE-2025-61984'],
    },
    {
      name: 'passes on HPN-SSH built on OpenSSH 10.5p1',
      facts: withTools([tool('ssh', 'OpenSSH_10.5p1_hpn18.11.1, OpenSSL 3.5.3 16 Sep 2025')]),
      outcome: 'pass',
    },
    { name: 'is a skip when OpenSSH is not installed', facts: withTools([]), outcome: 'not-available' },
  ]);

  test('names the upgrade in OpenSSH spelling, on the line and overall', () => {
    const ev = evaluate(sshRule, withTools([tool('ssh', 'OpenSSH_9.3p1, OpenSSL 3.0.8')]));
    // 9.3p1: CVE-2023-38408 (9.3p2 on the 9.3 line) and the 9.6p1 ... 10.5p1 fixes: only 10.5p1 fixes all.
    expect(ev.note).toMatch(/^OpenSSH 9\.3p1 is affected by \d+ known vulnerabilities; upgrade to 10\.5p1 \(overall\)/);
  });
});

describe('git-lfs-client-patched', () => {
  runTable(lfsRule, [
    {
      name: 'fails on Git LFS 3.4.1, naming CVE-2024-53263 fixed in 3.6.1',
      facts: withTools([tool('git-lfs', 'git-lfs/3.4.1 (GitHub; linux amd64; go 1.21.5)')]),
      outcome: 'fail',
      mentions: ['CVE-2024-53263', 'fixed in 3.6.1', 'CVE-2025-26625'],
    },
    {
      name: 'fails on Windows Git LFS 2.12.0 with the git.exe planting bug',
      facts: withTools([tool('git-lfs', 'git-lfs/2.12.0 (GitHub; windows amd64; go 1.15.3)')], 'windows'),
      outcome: 'fail',
      mentions: ['CVE-2020-27955 (critical)'],
    },
    {
      name: 'passes on Git LFS 3.7.1',
      facts: withTools([tool('git-lfs', 'git-lfs/3.7.1 (GitHub; linux amd64; go 1.25.1)')]),
      outcome: 'pass',
    },
    {
      name: 'is a skip when Git LFS is not installed',
      facts: withTools([tool('git', 'git version 2.55.0')]),
      outcome: 'not-available',
    },
    {
      name: 'is not available for an unreadable version',
      facts: withTools([tool('git-lfs', 'git-lfs: unknown')]),
      outcome: 'not-available',
    },
  ]);
});

describe('client-data-fresh', () => {
  // The shipped databases record compiled 2026-11-25 (git-lfs) and 2026-12-04 (git, gpg, openssh).
  const day = (iso: string): number => Date.parse(`${iso}T12:00:00Z`);
  runTable(freshRule, [
    { name: 'passes on the day the data was compiled', facts: factsWith({ now: day('2026-12-04') }), outcome: 'pass' },
    {
      name: 'passes 120 days after the oldest database',
      facts: factsWith({ now: day('2027-03-25') }),
      outcome: 'pass',
    },
    {
      name: 'warns 121 days later, naming the database',
      facts: factsWith({ now: day('2027-03-26') }),
      outcome: 'warn',
      mentions: ['rules/git-lfs-vulnerabilities.json was compiled on 2026-11-25, 121 days ago'],
      findings: 1,
    },
    {
      name: 'warns naming each database once all are old',
      facts: factsWith({ now: day('2027-04-04') }),
      outcome: 'warn',
      mentions: [
        'rules/git-vulnerabilities.json was compiled on 2026-12-04, 121 days ago',
        'rules/gpg-vulnerabilities.json',
        'rules/openssh-vulnerabilities.json',
        'rules/git-lfs-vulnerabilities.json',
      ],
    },
  ]);
});

describe('client-min-versions', () => {
  const policy = (minVersions: Record<string, string>) =>
    available(policyWith({ signers: [], client: { minVersions } }));
  const facts = (tools: ToolVersion[], p: Facts['policy']): Facts =>
    factsWith({ client: available(tools), ...(p ? { policy: p } : {}) });
  runTable(minRule, [
    {
      name: 'fails when git is older than client.min_versions.git',
      facts: facts([tool('git', 'git version 2.45.0')], policy({ git: '2.45.1' })),
      outcome: 'fail',
      mentions: ['git 2.45.0 (/opt/bin/git) is older than 2.45.1'],
    },
    {
      name: 'passes when git is exactly the minimum',
      facts: facts([tool('git', 'git version 2.45.1')], policy({ git: '2.45.1' })),
      outcome: 'pass',
    },
    {
      name: 'fails when ssh-keygen is older than the ssh minimum in OpenSSH spelling',
      facts: facts([tool('ssh', 'OpenSSH_9.6p1'), tool('ssh-keygen', 'OpenSSH_9.3p2')], policy({ ssh: '9.6p1' })),
      outcome: 'fail',
      mentions: ['ssh-keygen 9.3p2'],
    },
    {
      name: 'compares GnuPG versions numerically (2.2.40 is below 2.4.0)',
      facts: facts([tool('gpg', 'gpg (GnuPG) 2.2.40')], policy({ gpg: '2.4.0' })),
      outcome: 'fail',
      mentions: ['gpg 2.2.40'],
    },
    {
      name: 'is not available when no named tool is installed',
      facts: facts([], policy({ 'git-lfs': '3.6.1' })),
      outcome: 'not-available',
    },
    {
      name: 'is not applicable without client.min_versions',
      facts: facts([tool('git', 'git version 2.0.0')], available(policyWith({ signers: [] }))),
      outcome: 'not-applicable',
    },
    {
      name: 'is not applicable without a policy',
      facts: facts([tool('git', 'git version 2.0.0')], available(undefined)),
      outcome: 'not-applicable',
    },
    {
      name: 'is not available when the policy was not collected',
      facts: facts([tool('git', 'git version 2.0.0')], undefined),
      outcome: 'not-available',
    },
  ]);
});
