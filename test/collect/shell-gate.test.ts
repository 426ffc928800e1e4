// domain/shell-gate.ts against the shells themselves: each script run by real bash and sh with a
// `gitguard` on PATH that fails its audit; whether the script then exits non-zero is the reference.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failsWithGitguard } from '../../src/domain/shell-gate.js';

const dir = mkdtempSync(join(tmpdir(), 'gitguard-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, 'bin');
spawnSync('mkdir', [bin]);
// gitguard's audit fails; --version, --help and rules pass; npx runs it.
writeFileSync(join(bin, 'gitguard'), '#!/bin/sh\ncase "$*" in *--version*|*--help*|rules*|"") exit 0;; esac\nexit 1\n');
writeFileSync(join(bin, 'npx'), '#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nshift\nexec gitguard "$@"\n');
for (const f of ['gitguard', 'npx']) chmodSync(join(bin, f), 0o755);
// What a hostile checkout holds: a gitguard that passes, a file that redefines it when sourced.
spawnSync('mkdir', [join(dir, 'fake')]);
writeFileSync(join(dir, 'fake', 'gitguard'), '#!/bin/sh\nexit 0\n');
chmodSync(join(dir, 'fake', 'gitguard'), 0o755);
writeFileSync(join(dir, 'env.sh'), 'gitguard() { :; }\nnpx() { :; }\n');
writeFileSync(join(dir, 'nvm.sh'), 'NVM_DIR=/opt/nvm\n');

const SCRIPTS = [
  'npx gitguard audit',
  'npx gitguard audit || true',
  'npx gitguard audit || :',
  'npx gitguard audit || exit 0',
  'npx gitguard audit || echo failed',
  'npx gitguard audit; true',
  'npx gitguard audit | tee out.txt',
  'if npx gitguard audit; then echo ok; fi',
  '! npx gitguard audit',
  'npx gitguard audit &',
  '(npx gitguard audit) || true',
  'npx gitguard audit\necho done',
  'set +e\nnpx gitguard audit\necho done',
  'npx gitguard audit && echo deploy',
  'npx gitguard audit && echo ok\necho after',
  'npx gitguard audit || exit 1',
  'set -o pipefail\nnpx gitguard audit | tee out',
  'npx gitguard --version',
  'trap "exit 0" EXIT\nnpx gitguard audit',
  'if ! npx gitguard audit; then exit 1; fi',
  'bash -c "npx gitguard audit || true"',
  'sh -ec "npx gitguard audit; echo x"',
  'gate() { npx gitguard audit; }\ngate',
  'gate() { npx gitguard audit; }\ngate || true',
  'x=$(npx gitguard audit)',
  'echo $(npx gitguard audit)',
  'npx gitguard audit & wait $!',
  'cat <<EOF\nnpx gitguard audit\nEOF',
  'bash <<EOF\nnpx gitguard audit\nEOF',
  'npx gitguard audit || (echo bad; exit 1)',
  'for i in 1; do npx gitguard audit; done',
  'while true; do npx gitguard audit; break; done',
  'npx gitguard audit || rc=$?\nexit $rc',
  'case x in x) npx gitguard audit || true ;; esac',
  'eval "npx gitguard audit || true"',
  '{ npx gitguard audit; } | cat',
  'exec npx gitguard audit',
  'npx gitguard audit # || true',
  "echo 'npx gitguard audit'",
  'npx gitguard audit \\\n  --format json || true',
  // A condition the reading cannot decide takes either branch: one that passes is enough (redteam79).
  'if [ 1 = 1 ]; then set +e; fi\nnpx gitguard audit\necho done',
  '[ -d . ] && trap "exit 0" EXIT\nnpx gitguard audit',
  'for x in 1; do set +e; done\nnpx gitguard audit\necho done',
  'if [ 1 = 1 ]; then echo hi; fi\nnpx gitguard audit',
  'F=e\nset +$F\nnpx gitguard audit\necho done',
  's=set\n$s +e\nnpx gitguard audit\necho done',
  '. ./env.sh\nnpx gitguard audit',
  'PATH=./fake:$PATH\nnpx gitguard audit',
  'export PATH="$PWD/fake:$PATH"\ngitguard audit',
  'PATH=./fake:$PATH gitguard audit',
  'export PATH="$HOME/.local/bin:$PATH"\nnpx gitguard audit',
  // A file of the runner's (HOME is the runner's here: nvm.sh sets a variable) is followed, as a PATH folder there is.
  '. ~/nvm.sh\nnpx gitguard audit',
  // The folder npx runs a package's bin from first (here: the failing gitguard's own folder's copy).
  'mkdir -p node_modules/.bin && cp "$(command -v gitguard)" node_modules/.bin/\nexport PATH="$PWD/node_modules/.bin:$PATH"\ngitguard audit',
  '. "$HOME/nvm.sh"\nnpx gitguard audit',
  'gitguard() { :; }\ngitguard audit',
  // A definition holds in every run that may have made it; a function's trap is the shell's.
  'f() { trap "exit 0" EXIT; }\nf\nnpx gitguard audit',
  'eval "trap \'exit 0\' EXIT"\nnpx gitguard audit',
  '(trap "exit 0" EXIT; npx gitguard audit)',
  'gitguard() { :; }\nx=$(gitguard audit)',
  'trap "exit 0" EXIT\nif [ 1 = 1 ]; then :; else trap - EXIT; fi\nnpx gitguard audit',
  'f() { echo hi; }\nf\nnpx gitguard audit',
  'trap "rm -f out" EXIT\nnpx gitguard audit',
  '(npx gitguard audit)',
  // After gitguard failed a condition still goes either way (cleanpass38: these passed as gates), but a
  // test of `$?` or of the one variable holding it (`rc=$?`) is decided.
  'set +e\nnpx gitguard audit\nif [ -n "" ]; then exit 1; fi',
  'set +e\nnpx gitguard audit\nif [ $? -eq 0 ]; then exit 1; fi',
  'set +e\nnpx gitguard audit\n[ 1 = 2 ] && exit 1\necho ok',
  'npx gitguard audit || if [ -f /nonexistent ]; then exit 1; fi',
  'set +e\nnpx gitguard audit\nif grep -q nothing /dev/null; then exit 1; fi',
  'set +e\nnpx gitguard audit\nif (test -n ""); then exit 1; fi',
  'set +e\nnpx gitguard audit\nrc=$?\nrc=0\n[ $rc -ne 0 ] && exit 1\necho ok',
  'set +e\nnpx gitguard audit\n[ $? -eq 0 ] || exit 1',
  'set +e\nnpx gitguard audit\nif [ $? != 0 ]; then exit 1; fi',
  'set +e\nnpx gitguard audit\nstatus=$?\nset -e\n[ $status -eq 0 ] || exit $status',
  'set +e\nnpx gitguard audit\nrc=$?\nset -e\nif [ "$rc" -ne 0 ]; then exit "$rc"; fi',
  'set +e\nnpx gitguard audit > out.sarif\nrc=$?\ntest $rc = 0 || exit 1',
  'rc=0\nnpx gitguard audit || rc=$?\necho "audit exit $rc"\n[ "$rc" -eq 0 ] || exit "$rc"',
  'if ! (npx gitguard audit); then exit 1; fi',
];
/** Scripts that pass without running gitguard where the step sets SKIP (`env: SKIP: 1`). */
const SKIPPABLE = [
  'if [ -n "$SKIP" ]; then exit 0; fi\nnpx gitguard audit',
  '[ -n "$SKIP" ] && exit 0\nnpx gitguard audit',
  'if [ 1 = 1 ]; then exit 0; fi\nnpx gitguard audit',
  'gitguard() { :; }\nif [ -z "$SKIP" ]; then gitguard() { command gitguard "$@"; }; fi\ngitguard audit',
];
/** Bash's own builtins (sh has none of them, and stops at the first under -e). */
const BASH_SCRIPTS = [
  'set +e\nnpx gitguard audit\nif (( 1 == 2 )); then exit 1; fi',
  'set +e\nnpx gitguard audit\nif [[ -n "" ]]; then exit 1; fi',
  'set +e\nnpx gitguard audit\nrc=$?\n[[ $rc -eq 0 ]] || exit 1',
  'shopt -u -o errexit\nnpx gitguard audit\necho done',
  'shopt -uo errexit\nnpx gitguard audit\necho done',
  'builtin set +e\nnpx gitguard audit\necho done',
  'source ./env.sh\nnpx gitguard audit',
  'hash -p ./fake/gitguard gitguard\ngitguard audit',
  'shopt -s expand_aliases\nalias npx=true\nnpx gitguard audit',
  'shopt -s expand_aliases\nalias ll="ls -l"\nnpx gitguard audit',
  'shopt -s -o errexit\nnpx gitguard audit\necho done',
  'x=$(npx gitguard audit; echo hi)',
];
const SHELLS: Array<[string[], { errexit: boolean; pipefail: boolean }]> = [
  [['bash', '-e'], { errexit: true, pipefail: false }],
  [['bash', '-eo', 'pipefail'], { errexit: true, pipefail: true }],
  [['bash'], { errexit: false, pipefail: false }],
  [['sh', '-e'], { errexit: true, pipefail: false }],
];

test.each(SHELLS)('%j: the script fails when gitguard fails exactly where the shell says so', (shell, mode) => {
  const wrong: string[] = [];
  for (const script of shell[0] === 'bash' ? [...SCRIPTS, ...BASH_SCRIPTS] : SCRIPTS) {
    const file = join(dir, 'script.sh');
    writeFileSync(file, `${script}\n`);
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir };
    const real = spawnSync(shell[0]!, [...shell.slice(1), file], { cwd: dir, env, timeout: 10_000 });
    if ((real.status !== 0) !== failsWithGitguard(script, mode)) wrong.push(script);
  }
  expect(wrong).toEqual([]);
});

test.each(SHELLS)('%j: a script some environment lets pass without gitguard is no gate', (shell, mode) => {
  const wrong: string[] = [];
  for (const script of SKIPPABLE) {
    const file = join(dir, 'script.sh');
    writeFileSync(file, `${script}\n`);
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, SKIP: '1' };
    const real = spawnSync(shell[0]!, [...shell.slice(1), file], { cwd: dir, env, timeout: 10_000 });
    if (real.status !== 0 || failsWithGitguard(script, mode)) wrong.push(script);
  }
  expect(wrong).toEqual([]);
});
