// Clean pass 24: remotes-use-secure-transport on git-annex ssh options naming the user's own
// known-hosts file. `-o UserKnownHostsFile=~/.ssh/known_hosts_annex` (ssh -G: the file in the user's
// home) failed as "a file of the work tree" whenever gitguard ran from inside the work tree (`cd repo
// && gitguard audit`, the hook): the rule placed `~/...` against the work tree with path.relative,
// which resolves a relative-looking path from gitguard's own working directory. Only an absolute path
// is placed against the work tree now; a relative one (ssh runs at the repository's top) and /dev/null
// still fail.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const RULE = 'remotes-use-secure-transport';
const r = makeRepo();
r.commit('one', { 'a.txt': 'a\n' });
r.run(['remote', 'add', 'nas', 'ssh://annex@nas.example/srv/annex.git']);

/** The known-hosts file ssh reads with `options` (split at whitespace, as git-annex splits them). */
function sshKnownHosts(options: string): string {
  const out = execFileSync('ssh', ['-F', '/dev/null', '-G', ...options.split(/\s+/), 'nas.example'], {
    env: { ...r.env, HOME: r.home },
    encoding: 'utf8',
  });
  return /^userknownhostsfile (.*)$/m.exec(out)?.[1] ?? '';
}

/** The rule's outcome with `options` set, gitguard started from inside the work tree (as a hook is). */
async function outcomeFromWorkTree(options: string): Promise<string> {
  r.run(['config', 'remote.nas.annex-ssh-options', options]);
  try {
    // cwd: runMain's working directory (it chdirs for the call), here the top of the work tree.
    const res = await runMain(['audit', '--no-cache', '--format', 'json', '-r', RULE], { env: r.env, cwd: r.dir });
    return `${res.code} ${resultOf(parseJson(res), RULE).outcome}`;
  } finally {
    r.run(['config', '--unset', 'remote.nas.annex-ssh-options']);
  }
}

test("a known-hosts file in the user's home passes when gitguard runs in the work tree (before: fail)", async () => {
  const options = '-o UserKnownHostsFile=~/.ssh/known_hosts_annex -o StrictHostKeyChecking=accept-new';
  // ssh's answer: the file in the home folder, not in the repository.
  expect(sshKnownHosts(options)).toMatch(/^\/.*\/\.ssh\/known_hosts_annex$/);
  expect(sshKnownHosts(options).startsWith(r.dir)).toBe(false);
  expect(await outcomeFromWorkTree(options)).toBe('0 pass');
  expect(await outcomeFromWorkTree('-p 2222 -o GlobalKnownHostsFile=~/.ssh/annex_hosts')).toBe('0 pass');
});

test('twins: a known-hosts file the work tree holds (relative or absolute) or /dev/null still fails', async () => {
  const relative = '-o UserKnownHostsFile=.ssh/known_hosts -o StrictHostKeyChecking=accept-new';
  // ssh reads a relative path from where it runs: git-annex runs it at the repository's top.
  expect(sshKnownHosts(relative)).toBe('.ssh/known_hosts');
  expect(await outcomeFromWorkTree(relative)).toBe('1 fail');
  expect(await outcomeFromWorkTree(`-o UserKnownHostsFile=${join(r.dir, 'hosts')}`)).toBe('1 fail');
  expect(await outcomeFromWorkTree('-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new')).toBe(
    '1 fail',
  );
});
