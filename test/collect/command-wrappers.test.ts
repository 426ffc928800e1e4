// wrap103: a program that runs gitguard's command line for the step (`timeout 60 gitguard audit`,
// `find . -exec gitguard audit \;`). Each script run by real bash -e with a gitguard whose audit fails
// on PATH: a wrapper read through (command-wrappers.ts) must fail there; one read as no gate must have a
// run, as written or with the input or tree it depends on, that passes while gitguard fails.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failsWithGitguard } from '../../src/domain/shell-gate.js';
import { wrappedStart } from '../../src/domain/command-wrappers.js';

const dir = mkdtempSync(join(tmpdir(), 'gitguard-wrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'bin'));
writeFileSync(join(dir, 'bin', 'gitguard'), '#!/bin/sh\ncase "$*" in *--version*|*--help*|"") exit 0;; esac\nexit 1\n');
writeFileSync(
  join(dir, 'bin', 'npx'),
  '#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nshift\nexec gitguard "$@"\n',
);
for (const f of ['gitguard', 'npx']) chmodSync(join(dir, 'bin', f), 0o755);
const lock = join(dir, 'lock');

/** Whether real bash -e fails on `script`; null where a program it needs is not installed. */
function bashFails(script: string, needs: string): boolean | null {
  if (spawnSync('sh', ['-c', `command -v ${needs}`]).status !== 0) return null;
  writeFileSync(join(dir, 's.sh'), `${script}\n`);
  const env = { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir };
  return spawnSync('bash', ['-e', join(dir, 's.sh')], { cwd: dir, env, timeout: 10_000 }).status !== 0;
}
const BASH = { errexit: true, pipefail: false };

/** Run once in the foreground, status passed on: gates, as real bash fails with them. */
const FAITHFUL: Array<[script: string, needs: string]> = [
  ['timeout 60 gitguard audit', 'timeout'],
  ['timeout -s KILL -k 5 60 npx gitguard audit', 'timeout'],
  ['timeout --preserve-status --signal=TERM 60 gitguard audit', 'timeout'],
  ['nice gitguard audit', 'nice'],
  ['nice -n 5 npx gitguard audit', 'nice'],
  ['nice -5 gitguard audit', 'nice'],
  ['nohup gitguard audit', 'nohup'],
  ['stdbuf -oL gitguard audit', 'stdbuf'],
  ['stdbuf -o L -e 0 gitguard audit', 'stdbuf'],
  ['command gitguard audit', 'bash'],
  ['exec gitguard audit', 'bash'],
  ['exec -a gate gitguard audit', 'bash'],
  ['time -p gitguard audit', 'bash'],
  ['env -u HOME gitguard audit', 'env'],
  ['env FOO=1 -- gitguard audit', 'env'],
  ['env -i PATH="$PATH" gitguard audit', 'env'],
  [`flock ${lock} gitguard audit`, 'flock'],
  [`flock -n -w 5 ${lock} npx gitguard audit`, 'flock'],
  ['timeout 60 nice -n 1 nohup gitguard audit', 'timeout'],
  ['ionice -c3 gitguard audit', 'ionice'],
  ['ionice -c 2 -n 7 -t nice -n19 npx gitguard audit', 'ionice'],
  ['ionice --class=idle gitguard audit', 'ionice'],
  ['chrt -i 0 gitguard audit', 'chrt'],
  ['chrt --batch 0 timeout 600 npx gitguard audit', 'chrt'],
  ['taskset -c 0 gitguard audit', 'taskset'],
  ['taskset 1 nice gitguard audit', 'taskset'],
  // cleanpass113: the one command string handed to the shell, its status passed on (script: with -e).
  [`flock ${lock} -c "gitguard audit"`, 'flock'],
  [`flock -x -w 5 ${lock} --command "npx gitguard audit"`, 'flock'],
  ['script -q -e -c "gitguard audit" /dev/null', 'script'],
  ['script -qec "npx gitguard audit" /dev/null', 'script'],
  ['script --return --quiet --command "gitguard audit" /dev/null', 'script'],
];

/** No gate: real bash passes with gitguard failing, as written. */
const PASSING: Array<[script: string, needs: string]> = [
  ['find . -maxdepth 0 -exec gitguard audit \\;', 'find'],
  ['echo | xargs -r gitguard audit', 'xargs'],
  ['printf -- --version | xargs gitguard audit', 'xargs'],
  ['find . -name nothing-here -exec gitguard audit {} +', 'find'],
  ['env -Strue gitguard audit', 'env'],
  ['env -S true gitguard audit', 'env'],
  ['env --split-string=true gitguard audit', 'env'],
  ['script -qc "gitguard audit" /dev/null', 'script'],
  ['command -v gitguard', 'bash'],
  [`flock -n -E 0 ${lock} sh -c 'flock -n -E 0 ${lock} gitguard audit'`, 'flock'],
  ['timeout 60 find . -maxdepth 0 -exec gitguard audit \\;', 'find'],
  ['nohup env -Strue gitguard audit', 'env'],
  [`flock ${lock} -c "gitguard audit || true"`, 'flock'],
  ['script -q -e -c "gitguard audit; true" /dev/null', 'script'],
];

test.each(FAITHFUL)('read through: %s fails as real bash does', (script, needs) => {
  const real = bashFails(script, needs);
  if (real === null) return;
  expect([real, failsWithGitguard(script, BASH)]).toEqual([true, true]);
});

test.each(PASSING)('no gate: %s passes in real bash while gitguard fails', (script, needs) => {
  const real = bashFails(script, needs);
  if (real === null) return;
  expect([real, failsWithGitguard(script, BASH)]).toEqual([false, false]);
});

// Run where the reference is not this machine's (another host, an image, a user's login shell), in the
// background, or as often as their input says: no gate, by their manuals.
test.each([
  'docker run --rm -v "$PWD:/repo" -w /repo img gitguard audit',
  'podman run img npx gitguard audit',
  'ssh ci@host gitguard audit',
  "ssh ci@host 'cd repo && gitguard audit'",
  'sudo -b gitguard audit',
  'sudo -l gitguard audit',
  'sudo -i gitguard audit',
  'sudo --background gitguard audit',
  'su -c "gitguard audit" ci',
  'watch -n 60 gitguard audit',
  'parallel gitguard audit ::: a b',
  'retry gitguard audit',
  'setsid gitguard audit',
  'xargs -a list gitguard audit',
  'timeout 60 ssh host gitguard audit',
  // util-linux's schedulers on running processes: the words after are process ids.
  'ionice -p 1 gitguard audit',
  'taskset -p 1 gitguard audit',
  'chrt -p 0 gitguard audit',
  'chrt -m gitguard audit',
])('no gate by its manual: %s', (script) => {
  expect(failsWithGitguard(script, BASH)).toBe(false);
});

// The same wrappers around an honest gate that their options keep faithful: gates.
test.each([
  'sudo -u ci gitguard audit',
  'sudo -E -H --user=ci npx gitguard audit',
  'sudo -n nice -n 5 gitguard audit',
  'xvfb-run -a gitguard audit',
])('read through by its manual: %s', (script) => {
  expect(failsWithGitguard(script, BASH)).toBe(true);
});

test('where the command starts: past faithful wrappers and their option values, stopping at another', () => {
  expect(wrappedStart(['sudo', '-u', 'ci', 'timeout', '-s', 'KILL', '60', 'make', 'audit'])).toEqual({
    start: 7,
    unfaithful: false,
  });
  expect(wrappedStart(['timeout', '60', 'xargs', 'make'])).toEqual({ start: 2, unfaithful: true });
  expect(wrappedStart(['env', '-S', 'true', 'make'])).toEqual({ start: 0, unfaithful: true });
  expect(wrappedStart(['exec', '-a', 'x', 'make'], 'exec')).toEqual({ start: 0, unfaithful: false });
  expect(wrappedStart(['time'])).toEqual({ start: 0, unfaithful: false });
});
