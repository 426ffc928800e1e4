// Red team 34: git-annex's ssh options (`remote.<name>.annex-ssh-options`, `annex.ssh-options`) run
// nothing, so no-code-execution-in-local-config passes them, but `-o StrictHostKeyChecking=no` (or a
// known-hosts file that is /dev/null, or one the repository holds) switches off ssh's check of the
// server's host key: anyone on the path can pose as the remote git-annex fetches content from and
// sends it to. remotes-use-secure-transport (whether each remote's transport authenticates the server)
// passed them; it now fails them. `ssh -G` is the reference: what ssh makes of the same words.
import { execFileSync } from 'node:child_process';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const r = makeRepo();
r.commit('one', { 'a.txt': 'a\n' });

/** What ssh reads from `options` (split at whitespace, as git-annex splits them): its host-key settings. */
function sshReads(options: string): string {
  const out = execFileSync('ssh', ['-F', '/dev/null', '-G', ...options.split(/\s+/), 'nas.example'], {
    env: { ...r.env, HOME: r.home },
    encoding: 'utf8',
  });
  const get = (k: string): string => new RegExp(`^${k} (.*)$`, 'm').exec(out)?.[1] ?? '';
  return `${get('stricthostkeychecking')} ${get('userknownhostsfile')}`;
}

async function outcome(key: string, options: string): Promise<string> {
  r.run(['config', key, options]);
  const res = await runMain(
    [
      'audit',
      '-C',
      r.dir,
      '--no-cache',
      '--format',
      'json',
      '-r',
      'remotes-use-secure-transport,no-code-execution-in-local-config',
    ],
    { env: r.env },
  );
  r.run(['config', '--unset', key]);
  const report = parseJson(res);
  return `${res.code} ${resultOf(report, 'remotes-use-secure-transport').outcome} ${resultOf(report, 'no-code-execution-in-local-config').outcome}`;
}

test("git-annex's ssh options switching host-key checking off: remotes-use-secure-transport fails (before: pass)", async () => {
  for (const [key, options, ssh] of [
    ['remote.nas.annex-ssh-options', '-p 2222 -o StrictHostKeyChecking=no', /^false /],
    ['remote.nas.annex-ssh-options', '-qoStrictHostKeyChecking=off', /^false /],
    [
      'annex.ssh-options',
      '-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new',
      /^accept-new \/dev\/null$/,
    ],
  ] as const) {
    expect(sshReads(options)).toMatch(ssh);
    expect(await outcome(key, options)).toBe('1 fail pass');
  }
});

test('twins: a port, a key, checking on first, accept-new with the user known-hosts: pass', async () => {
  for (const [options, ssh] of [
    ['-p 2222 -i ~/.ssh/annex', /^ask /],
    ['-o StrictHostKeyChecking=yes -o StrictHostKeyChecking=no', /^true /],
    ['-o StrictHostKeyChecking=accept-new', /^accept-new .*known_hosts/],
  ] as const) {
    expect(sshReads(options)).toMatch(ssh);
    expect(await outcome('remote.nas.annex-ssh-options', options)).toBe('0 pass pass');
  }
});
