// The walk's watched paths are read from the secrets scan's own `git log -p` when both read the same
// list (path-tap.ts: a history whose policy is in its first commit, or without one), and that log
// then had `--raw -t`: -t puts folders in git's diff too, and git counts them as rename candidates. A
// refactor moving and editing 160 files, each in a folder of its own, is 160 files and 160 folders
// each side: past the scan's rename limit (300) with -t, within it without. git paired none of the
// files ("exhaustive rename detection was skipped"), so a secret the policy excused by its fingerprint
// at its old path was found again at its new one: a false failure. git's own pairing of that commit
// (`git log -p -U0 --cc`, no -t): 160 renames. The scan now reads such a commit's diff from a log
// without -t (log-reader.ts). Twin: the files moved as they were (exact renames, paired either way).
import { execFileSync } from 'node:child_process';
import { cleanupTemp } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { aliceAndBob, TEAM_POLICY } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';

afterAll(() => cleanupTemp());

const KEY = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKq9Lm2Vt4\nAWS_ACCESS_KEY_ID=AKIAZ7QK3M5N7P2R4T6V\n';
const N = 160;

/** The secrets rule's outcome and its findings' fingerprints (`extra`: more audit options). */
async function secrets(dir: string, env: NodeJS.ProcessEnv, extra: string[] = []) {
  const res = await runMain(['audit', '-C', dir, '--no-ledger', '--no-cache', '--format', 'json', ...extra], { env });
  const report = JSON.parse(res.stdout) as {
    results: Array<{ meta: { id: string }; outcome: string; findings: Array<{ evidence?: { fingerprint?: string } }> }>;
  };
  const r = report.results.find((x) => x.meta.id === 'secrets-not-in-history');
  return {
    outcome: r?.outcome ?? `missing: ${res.stderr}`,
    prints: r?.findings.map((f) => f.evidence?.fingerprint) ?? [],
  };
}

/** The renames git pairs in HEAD's diff, as the scan's log is run (`extra`: more options). */
const renames = (dir: string, env: NodeJS.ProcessEnv, extra: string[]): number =>
  execFileSync('git', ['-c', 'diff.renameLimit=300', 'log', '-1', '-p', '-U0', '--cc', ...extra, '--format=%H'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .filter((l) => l.startsWith('rename from ')).length;

test.each([
  ['moved and edited (git pairs them without -t, not with it)', true],
  ['twin: moved as they were (exact renames, paired either way)', false],
])(
  '160 modules %s: a key the policy excused by fingerprint before the move is still excused after it',
  async (_, edit) => {
    // Alice's signed first commit holds the policy: the walk reads the whole history, the scan's list.
    const { r, alice } = aliceAndBob({});
    const as = (message: string, files: Record<string, string>) =>
      commitAsPerson(r, alice, 'alice@example.com', message, files);
    const files: Record<string, string> = {};
    for (let i = 1; i <= N; i += 1)
      files[`src/m${i}/index.ts`] = `export const m${i} = ${i};\nexport const n${i} = '${i}';\nexport default m${i};\n`;
    files['src/m1/index.ts'] = KEY;
    as('modules', files);
    const first = await secrets(r.dir, r.env, ['-r', 'secrets-not-in-history']);
    expect(first.prints).toHaveLength(1);
    const allow = `secrets:\n  allow:\n    - fingerprint: "${first.prints[0]}"\n      reason: revoked example key\n`;
    as('excuse the example key', { '.gitguard/policy.yml': `${TEAM_POLICY}${allow}` });
    expect(await secrets(r.dir, r.env)).toEqual({ outcome: 'pass', prints: first.prints });
    r.run(['mv', 'src', 'lib']);
    const moved: Record<string, string> = {};
    if (edit) {
      for (let i = 2; i <= N; i += 1)
        moved[`lib/m${i}/index.ts`] =
          `export const m${i} = ${i} + 0;\nexport const n${i} = '${i}';\nexport default m${i};\n`;
      moved['lib/m1/index.ts'] = `${KEY}# moved\n`;
    }
    as('src -> lib', moved);
    // git's own pairing: every module is a rename without -t; with -t the edited ones are not.
    expect(renames(r.dir, r.env, [])).toBe(N);
    expect(renames(r.dir, r.env, ['--raw', '-t', '--no-abbrev'])).toBe(edit ? 0 : N);
    // Every rule: the walk runs beside the scan and takes its watched paths from the scan's log.
    expect((await secrets(r.dir, r.env)).outcome).toBe('pass');
    // The scan alone (no walk, no tap): the same.
    expect((await secrets(r.dir, r.env, ['-r', 'secrets-not-in-history'])).outcome).toBe('pass');
  },
  120_000,
);
