// Red team 36: the commits of the audited range that change a file the CI runs are read for what the
// CI ran there (round 34), at most 256 of them, those changing only a loose file (package.json, run
// in parts) last, newest first. Alice (the maintainer) points the gate's package script at a new
// script; Bob (a signer, no maintainer) then floods the range with package.json edits outside the
// chain's scripts (a version, another script) after deleting the script: Alice's commit fell past the
// cap, the script was never watched, and protected-paths-changed-by-maintainers passed. A commit
// changing only loose files now counts only where it changes their part on the chain; past the cap,
// the rule fails closed, naming it, where a commit no maintainer signed is in the range.
// Clean twins: Alice deleting the script herself after the flood; a range past the cap all Alice's.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { aliceAndBob } from '../helpers/team.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const pkg = (version: string, audit: string): string =>
  `${JSON.stringify({ name: 'app', version, scripts: { audit, build: `tsc # ${version}` } }, null, 2)}\n`;
const team = aliceAndBob(
  {
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run audit\n',
    'package.json': pkg('1.0.0', 'gitguard audit'),
  },
  'own',
);
const first = team.r.head();
const GATE = 'bash scripts/gate.sh';

/** `n` unsigned commits on HEAD, each changing package.json's version and build script (one fast-import). */
function flood(n: number, audit: string): void {
  const { r } = team;
  const head = r.head();
  let stream = '';
  for (let i = 1; i <= n; i += 1) {
    const body = pkg(`1.0.${i}`, audit);
    stream += `commit refs/heads/flood\ncommitter Bob <bob@example.com> ${1_700_000_000 + i} +0000\ndata 5\nbump\n`;
    if (i === 1) stream += `from ${head}\n`;
    stream += `M 100644 inline package.json\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  r.run(['fast-import', '--quiet'], { input: stream });
  r.run(['reset', '-q', '--hard', 'flood']);
  r.run(['update-ref', '-d', 'refs/heads/flood']);
}

async function outcome(
  floods: number,
  remover: 'alice' | 'bob',
  env: NodeJS.ProcessEnv = {},
  edits = 0,
): Promise<string> {
  const { r } = team;
  r.run(['reset', '-q', '--hard', first]);
  commitAsPerson(r, team.alice, 'alice@example.com', 'gate script', {
    'package.json': pkg('1.0.0', GATE),
    'scripts/gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
  });
  for (let i = 0; i < edits; i += 1)
    commitAsPerson(r, team.alice, 'alice@example.com', 'gate edit', {
      'scripts/gate.sh': `#!/bin/sh\nnpx gitguard audit # ${i}\n`,
    });
  rmSync(join(r.dir, 'scripts'), { recursive: true });
  commitAsPerson(r, team[remover], `${remover}@example.com`, 'tidy', {});
  if (floods) flood(floods, GATE);
  const args = ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULES.join(',')];
  const res = await runMain(args, { env: { ...r.env, ...env } });
  const report = parseJson(res);
  const pp = resultOf(report, RULES[0]!);
  const messages = (pp.findings ?? []).map((f: { message: string }) => f.message).join('\n');
  return `${res.code} ${RULES.map((id) => resultOf(report, id).outcome).join(' ')}${/GITGUARD_MAX_RANGE_COMMITS/.test(messages) ? ' cut' : ''}`;
}

test("Bob deletes Alice's gate script, then floods the range with package.json edits outside the chain: fails (before: passed)", async () => {
  expect(await outcome(260, 'bob')).toBe('1 fail pass');
});

test('past the cap (GITGUARD_MAX_RANGE_COMMITS) with a commit no maintainer signed: fails closed, naming it', async () => {
  expect(await outcome(0, 'bob', { GITGUARD_MAX_RANGE_COMMITS: '1' }, 1)).toBe('1 fail pass cut');
});

test('twins: Alice deletes the script before the flood; a range past the cap all signed by Alice: pass', async () => {
  expect(await outcome(260, 'alice')).toBe('0 pass pass');
  expect(await outcome(0, 'alice', { GITGUARD_MAX_RANGE_COMMITS: '1' }, 1)).toBe('0 pass pass');
});
