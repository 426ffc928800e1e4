// Red-team round 60: every git gitguard starts runs under `prlimit --as=GITGUARD_MAX_GIT_MEMORY`
// (4 GiB). A CI that already bounds its jobs' address space (`ulimit -v`, a hard RLIMIT_AS below
// 4 GiB) made prlimit fail for each git ("failed to set the AS resource limit: Operation not
// permitted": an unprivileged process cannot raise its hard limit), so the audit of a clean
// repository stopped at its first git (exit 2) while git itself read it. A git whose inherited limit
// is as tight as the bound or tighter is started as it is; a looser one is still narrowed.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCommand, type CliResult } from '../helpers/cli.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const MiB = 1024 * 1024;
const hasPrlimit = ['/usr/bin/prlimit', '/bin/prlimit'].some((f) => existsSync(f));
/** The address space a CI allows its jobs, in KiB as `ulimit -v` takes it: below gitguard's 4 GiB. */
const CI_LIMIT_KIB = 3 * 1024 * 1024;

/** The binary under `ulimit -v kib` (soft and hard, as a CI sets it for its jobs), or without one. */
function audit(r: TestRepo, kib: number | undefined, env: NodeJS.ProcessEnv = {}): CliResult {
  const args = [
    'audit',
    '-C',
    r.dir,
    '--no-ledger',
    '--no-cache',
    '-r',
    'secrets-not-in-history',
    '-r',
    'objects-intact',
  ];
  const script = `${kib === undefined ? '' : `ulimit -v ${kib} && `}exec "$0" "$@"`;
  return runCommand('/bin/sh', ['-c', script, process.execPath, BIN, ...args], {
    env: { ...r.env, ...env },
    timeoutMs: 120_000,
  });
}

(hasPrlimit ? describe : describe.skip)('a CI that bounds the address space of its jobs', () => {
  let r: TestRepo;
  beforeAll(() => {
    r = makeRepo();
    r.commit('base', { 'README.md': 'hello\n' });
    // 64 MiB of zeros: 64 KB in the store; git log -p holds an added file whole.
    writeFileSync(join(r.dir, 'zeros'), Buffer.alloc(64 * MiB));
    r.commit('zeros');
  });

  test('a clean repository passes under ulimit -v 3 GiB as it does without one (before: exit 2, prlimit failed for every git)', () => {
    const free = audit(r, undefined);
    const bounded = audit(r, CI_LIMIT_KIB);
    expect([free.code, free.stderr]).toEqual([0, '']);
    const shown = (res: CliResult): string => res.stdout.replace(/, [0-9.]+ s\)/, ')'); // its duration
    expect([bounded.code, bounded.stderr, shown(bounded)]).toEqual([0, '', shown(free)]);
    expect(shown(free)).toMatch(/pass +secrets-not-in-history[\s\S]*PASS +2 passed, 0 failed/);
  });

  test('twin: GITGUARD_MAX_GIT_MEMORY below the inherited limit still bounds git (the blob is not read whole)', () => {
    const res = audit(r, CI_LIMIT_KIB, { GITGUARD_MAX_GIT_MEMORY: String(48 * MiB) });
    expect([res.code, res.stderr.trim().split('\n')]).toEqual([
      2,
      [
        expect.stringMatching(
          /^gitguard: .*git reached the memory gitguard allows it: .*GITGUARD_MAX_GIT_MEMORY=BYTES/,
        ),
      ],
    ]);
  });
});
