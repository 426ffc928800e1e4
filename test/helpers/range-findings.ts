// One ci-gate-kept audit of a repository from a start commit (the audit's --base), Alice's signers
// trusted: the commits its findings name, in order, and the run itself. For a series of commits whose
// verdicts depend on each other (a change, an edit after it, a removal), which gate-batch.ts's
// two-commit cases cannot hold.
import { parseJson, resultOf, runMain } from './cli.js';

/** Alice as author and committer of the hand-made commits. */
export const ALICE = {
  GIT_AUTHOR_NAME: 'alice',
  GIT_AUTHOR_EMAIL: 'alice@example.com',
  GIT_COMMITTER_NAME: 'alice',
  GIT_COMMITTER_EMAIL: 'alice@example.com',
};

/** The commits ci-gate-kept names in an audit of `r` from `start` (signers in `keys`), and the run. */
export async function gateFindings(
  r: { dir: string; env: NodeJS.ProcessEnv },
  keys: string,
  start: string,
): Promise<{ res: Awaited<ReturnType<typeof runMain>>; named: Array<string | undefined> }> {
  const args = ['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys];
  const res = await runMain([...args, '--format', 'json', '--base', start], { env: r.env });
  const named = resultOf(parseJson(res), 'ci-gate-kept').findings.map((f: { commit?: string }) => f.commit);
  return { res, named };
}
