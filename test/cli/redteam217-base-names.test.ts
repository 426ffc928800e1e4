// redteam217: a `--base` that names a ref, an abbreviated id or HEAD's second parent is no gate.
// actions/checkout points the pushed branch at the pushed commit (`git checkout -B x
// refs/remotes/origin/x`), GitLab fetches it to `origin/x`, and a tag the change pushes is fetched
// with the others: `--base x`, `origin/x`, `refs/heads/x` or `v9` may be HEAD, and gitguard then
// judges no commit (its commit rules skip; the audit still exits 0 where the others pass). git takes an
// abbreviated id for any commit whose id starts so: a change retried until its id starts `9b1c9`
// makes `--base 9b1c9` HEAD. `HEAD^2` on a pull request's test merge is the change's tip. `head~1`
// reads a branch `head` on Linux, not HEAD. Before, each kept the gate (ci-gate-kept passed); now
// only HEAD moved back along first parents or a full commit id does (real git 2.39 checked below).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const gate = (args: string): Record<string, string> => checkoutJob('', runStep(`npx gitguard audit ${args}`.trim()));
const BEFORE = gate('--base HEAD~1');
const FULL = 'a'.repeat(40);

const LOST = [
  '--base evil',
  '--base origin/evil',
  '--base refs/remotes/origin/evil',
  '--base refs/heads/evil',
  '--base v9',
  '--base origin/main',
  '--base 9b1c9',
  '--base 9b1c9ab~1',
  '--base head~1',
  '--base HEAD^2',
  '--base HEAD~1^2',
  '--base=evil',
];
const KEPT = ['--base HEAD~1', '--base HEAD^', '--base HEAD^1~2', '--base HEAD~', `--base ${FULL}`, `--base ${FULL}~1`];

describe('redteam217: a --base the pushed refs may point at HEAD', () => {
  const lost = gateBatch();
  for (const args of LOST) it(`loses the gate: ${args}`, lost.add(BEFORE, gate(args), false), 600_000);
});
describe('redteam217: HEAD moved back along first parents, or a full id', () => {
  const kept = gateBatch();
  for (const args of KEPT) it(`keeps the gate: ${args}`, kept.add(BEFORE, gate(args), true), 600_000);
});

// The reference: after actions/checkout's commands for a push of branch `evil`, git 2.39 resolves
// `evil`, `origin/evil`, `refs/heads/evil` and an abbreviation of HEAD's id to HEAD itself.
test('git resolves the pushed branch and an abbreviated id to HEAD', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt217-'));
  const git = (...a: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=a', '-c', 'user.email=a@example.com', ...a], {
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'base');
  git('commit', '-q', '--allow-empty', '-m', 'change');
  const head = git('rev-parse', 'HEAD');
  git('update-ref', 'refs/remotes/origin/evil', head);
  git('checkout', '-q', '-B', 'evil', 'refs/remotes/origin/evil');
  for (const rev of ['evil', 'origin/evil', 'refs/heads/evil', head.slice(0, 7)])
    expect(git('rev-parse', '--verify', '-q', `${rev}^{commit}`)).toBe(head);
  expect(git('rev-parse', 'HEAD~1')).not.toBe(head);
});
