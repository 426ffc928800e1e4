// Red team 22: the Git LFS and git-annex filters no-code-execution-in-local-config accepts "run the
// user's own git-lfs or git-annex, and nothing of the repository's choosing". But those tools read
// the repository's local config too, and some of their keys are commands they run:
// - git-lfs 3.3.0 (Debian's), with `git lfs install --local`'s filters in .git/config plus
//   lfs.standalonetransferagent=evil and lfs.customtransfer.evil.path=sh, .args="-c '...'", ran the
//   command on `git checkout -- a.bin` of an LFS pointer (its args are expanded by the shell too: path
//   `true` with args `$(touch ...)` ran); lfs.extension.x.clean ran on `git add b.bin`.
// - git-annex (man git-annex, CONFIGURATION) runs annex.*-command, remote.<name>.annex-*-command,
//   remote.<name>.annex-shell and annex-rsync-transport, and a hook special remote's annex.*-hook.
// gitguard passed each (the rule knew only git's own command keys). Clean twin: the tools' own filters
// with their ordinary settings (lfs.url, lfs.locksverify, a transfer agent named but defined in the
// user's global config, annex.uuid, annex.largefiles) still pass.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const LFS_FILTERS = {
  'filter.lfs.clean': 'git-lfs clean -- %f',
  'filter.lfs.smudge': 'git-lfs smudge -- %f',
  'filter.lfs.process': 'git-lfs filter-process',
  'filter.lfs.required': 'true',
};
const ANNEX_FILTERS = {
  'filter.annex.smudge': 'git-annex smudge -- %f',
  'filter.annex.clean': 'git-annex smudge --clean -- %f',
  'filter.annex.process': 'git-annex filter-process',
};

async function outcome(r: TestRepo): Promise<{ outcome: string; messages: string[] }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', 'no-code-execution-in-local-config'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'no-code-execution-in-local-config');
  return { outcome: result.outcome, messages: result.findings.map((f) => f.message) };
}

function repoWith(settings: Record<string, string>): TestRepo {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  r.config(settings);
  return r;
}

describe('commands the tools behind the accepted filters read from .git/config', () => {
  const attacks: [string, Record<string, string>][] = [
    [
      'lfs.customtransfer.<name>.path (a standalone agent)',
      {
        ...LFS_FILTERS,
        'lfs.standalonetransferagent': 'evil',
        'lfs.customtransfer.evil.path': 'sh',
      },
    ],
    ['lfs.customtransfer.<name>.args (shell-expanded)', { ...LFS_FILTERS, 'lfs.customtransfer.x.args': '$(id)' }],
    ['lfs.extension.<name>.clean', { ...LFS_FILTERS, 'lfs.extension.x.clean': 'touch /tmp/pwned' }],
    ['lfs.extension.<name>.smudge', { ...LFS_FILTERS, 'lfs.extension.x.smudge': 'touch /tmp/pwned' }],
    ['annex.freezecontent-command', { ...ANNEX_FILTERS, 'annex.freezecontent-command': 'touch /tmp/pwned' }],
    ['annex.http-headers-command', { ...ANNEX_FILTERS, 'annex.http-headers-command': 'touch /tmp/pwned' }],
    ['remote.<name>.annex-cost-command', { ...ANNEX_FILTERS, 'remote.origin.annex-cost-command': 'id' }],
    ['remote.<name>.annex-shell', { ...ANNEX_FILTERS, 'remote.origin.annex-shell': '/tmp/evil' }],
    ['remote.<name>.annex-rsync-transport', { ...ANNEX_FILTERS, 'remote.origin.annex-rsync-transport': 'sh -c id' }],
    ['annex.<hooktype>-store-hook', { ...ANNEX_FILTERS, 'annex.mine-store-hook': 'touch /tmp/pwned' }],
  ];
  test.each(attacks)('%s fails', async (_name, settings) => {
    const r = repoWith(settings);
    const got = await outcome(r);
    expect(got.outcome).toBe('fail');
    expect(got.messages).toHaveLength(1);
  });

  test("clean twin: the tools' filters with their ordinary settings pass", async () => {
    const r = repoWith({
      ...LFS_FILTERS,
      'lfs.url': 'https://lfs.example.com/project',
      'lfs.locksverify': 'true',
      'lfs.standalonetransferagent': 'mine',
      'remote.origin.lfsurl': 'https://lfs.example.com/project',
      'annex.uuid': '5863d8c0-d9a9-11df-adb2-af51e6559a49',
      'annex.largefiles': 'largerthan(500kb)',
      'annex.version': '10',
      'remote.origin.annex-uuid': '8b3c3e4e-1111-4a8e-9d2e-6b2f0c5a1e77',
      'remote.origin.annex-ignore': 'false',
    });
    expect(await outcome(r)).toEqual({ outcome: 'pass', messages: [] });
  });
});
