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
  'if [ -n "$SKIP" ]; then exit 0; fi\nnpx gitguard audit',
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
];
const SHELLS: Array<[string[], { errexit: boolean; pipefail: boolean }]> = [
  [['bash', '-e'], { errexit: true, pipefail: false }],
  [['bash', '-eo', 'pipefail'], { errexit: true, pipefail: true }],
  [['bash'], { errexit: false, pipefail: false }],
  [['sh', '-e'], { errexit: true, pipefail: false }],
];

test.each(SHELLS)('%j: the script fails when gitguard fails exactly where the shell says so', (shell, mode) => {
  const wrong: string[] = [];
  for (const script of SCRIPTS) {
    const file = join(dir, 'script.sh');
    writeFileSync(file, `${script}\n`);
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir };
    const real = spawnSync(shell[0]!, [...shell.slice(1), file], { cwd: dir, env, timeout: 10_000 });
    if ((real.status !== 0) !== failsWithGitguard(script, mode)) wrong.push(script);
  }
  expect(wrong).toEqual([]);
});
