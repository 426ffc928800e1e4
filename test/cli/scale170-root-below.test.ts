// A re-audit takes "the trust root is an ancestor of the tip" from the sealed checkpoint's rootBelow
// (collect/ancestry.ts knowDescendant) only where git shows the tip descends from the tip recorded
// there: a HEAD moved to a history that does not descend from the root still fails trust-root-in-history.
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, runMain, type JsonReport } from '../helpers/cli.js';
import type { TestRepo } from '../helpers/repo.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir('gg-rootbelow-'), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

type Walked = JsonReport & { walk?: { incremental: boolean } };
const audit = async (r: TestRepo, root: string): Promise<Walked> => {
  const res = await runMain(['audit', '-C', r.dir, '--all', '--trust-root', root, '--format', 'json'], { env: r.env });
  expect(res.code).not.toBe(2);
  return parseJson(res);
};
const outcome = (rep: Walked): string | undefined =>
  rep.results.find((x) => x.meta.id === 'trust-root-in-history')?.outcome;

test('a HEAD moved onto a history the trust root is not in fails, though the checkpoint found the root below its old tip', async () => {
  const r = sshSigningRepo(alice);
  const root = r.run(['rev-parse', 'HEAD']).trim();
  r.commit('work', { 'src/a.txt': 'a\n' });
  expect(outcome(await audit(r, root))).toBe('pass');
  // Another line of history, sharing no commit with the root's: the old tip is still on main.
  r.run(['checkout', '-q', '--orphan', 'other']);
  r.commit('elsewhere', { 'src/b.txt': 'b\n' });
  const again = await audit(r, root);
  expect(again.walk?.incremental).toBe(true); // resumed: the checkpoint's rootBelow was there to misuse
  expect(outcome(again)).toBe('fail');
});

test('a HEAD a commit past the checkpoint tip keeps the trust root, resumed', async () => {
  const r = sshSigningRepo(alice);
  const root = r.run(['rev-parse', 'HEAD']).trim();
  r.commit('work', { 'src/a.txt': 'a\n' });
  expect(outcome(await audit(r, root))).toBe('pass');
  r.commit('more work', { 'src/a.txt': 'a2\n' });
  const again = await audit(r, root);
  expect(again.walk?.incremental).toBe(true);
  expect(outcome(again)).toBe('pass');
  const same = await audit(r, root);
  expect(same.walk?.incremental).toBe(true);
  expect(outcome(same)).toBe('pass');
});
