// steps111: a remote action before the gate step runs its owner's code, which can write $GITHUB_PATH
// or $GITHUB_ENV like any step (the runner reads them after it: test/helpers/real-job.ts). It keeps
// the gate only when the CI files already ran it, pin included, where the range starts (--base, or
// the trust root), or it is GitHub's own (actions/*, github/*): a change that brings in `uses:
// someone/evil@v1` in front of the gate makes it no gate (collect/trusted-actions.ts). Keys-only,
// as CI runs it: Alice's signed CI commit, then her change, audited with --base at the first.
import { runMain } from '../helpers/cli.js';
import { cleanupTemp, copyRepo } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { aliceSigns, checkoutWorkflow } from '../helpers/team.js';
import { join } from 'node:path';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GATE = '      - run: npx gitguard audit\n';
const PNPM = '      - uses: pnpm/action-setup@v4\n';
const made = aliceSigns();
const base = commitAsPerson(made.r, made.alice, 'alice@example.com', 'ci', {
  [WF]: checkoutWorkflow(`${PNPM}${GATE}`),
});

/** ci-gate-kept's outcome for Alice's change of the workflow to `steps`, audited with `--base` at the CI commit (or none). */
async function gateAfter(steps: string, withBase = true): Promise<number> {
  const r = copyRepo(made.r);
  commitAsPerson(r, made.alice, 'alice@example.com', 'change', { [WF]: checkoutWorkflow(steps) });
  const keys = join(r.home, 'allowed');
  const args = ['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys];
  return (await runMain([...args, ...(withBase ? ['--base', base] : [])], { env: r.env })).code;
}

describe('remote actions before the gate, against where the range starts', () => {
  test.each([
    ['someone/evil@v1 before the gate', `${PNPM}      - uses: someone/evil@v1\n${GATE}`],
    ['pnpm/action-setup at another pin', `      - uses: pnpm/action-setup@v3\n${GATE}`],
    // redteam126: a path with `..` in GitHub's own repository may climb out of it.
    ['actions/checkout/../../someone/evil@v1', `${PNPM}      - uses: actions/checkout/../../someone/evil@v1\n${GATE}`],
  ])('%s: ci-gate-kept fails', async (_n, steps) => {
    expect(await gateAfter(steps)).toBe(1);
  });
  test.each([
    ['the start’s pnpm/action-setup@v4, then pnpm install', `${PNPM}      - run: pnpm install\n${GATE}`],
    ['actions/setup-node@v4 added (GitHub’s own)', `      - uses: actions/setup-node@v4\n${PNPM}${GATE}`],
    [
      'github/codeql-action/init@v3 added (a path in GitHub’s own)',
      `      - uses: github/codeql-action/init@v3\n${PNPM}${GATE}`,
    ],
    ['someone/evil@v1 after the gate', `${PNPM}${GATE}      - uses: someone/evil@v1\n`],
  ])('%s: ci-gate-kept passes', async (_n, steps) => {
    expect(await gateAfter(steps)).toBe(0);
  });
});
