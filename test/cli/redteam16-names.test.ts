// Red-team round 16: tree entry names are bytes. Two folders whose names are not UTF-8 (0xfe, 0xff)
// decode to the same U+FFFD text; the second folder's nested .gitattributes changed by a signer who
// is no maintainer must still count as a protected change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

function writeRaw(dir: string, folder: number, body: string): void {
  const d = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([folder])]);
  mkdirSync(d, { recursive: true });
  writeFileSync(Buffer.concat([d, Buffer.from('/.gitattributes')]), body);
}

const audit = (r: TestRepo): Promise<{ code: number; stdout: string; stderr: string }> =>
  runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], { env: r.env });

/** alice (maintainer) commits the policy and two folders 0xfe and 0xff under `dir`; `who` changes the second. */
async function changed(dir: string, who: 'alice' | 'bob'): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = makeRepo();
  const [alice, bob] = [sharedSshKey('alice'), sharedSshKey('bob')];
  configureSshSigning(r, alice);
  writeRaw(join(r.dir, dir), 0xfe, '*.txt text\n');
  writeRaw(join(r.dir, dir), 0xff, '*.txt text\n');
  commitAsPerson(r, alice, 'alice@example.com', 'policy', {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
  });
  writeRaw(join(r.dir, dir), 0xff, 'lock.json merge=ours -diff\n');
  commitAsPerson(r, who === 'alice' ? alice : bob, `${who}@example.com`, 'tweak', {});
  return audit(r);
}

test('the second of two non-UTF-8 folders: its nested .gitattributes changed by a non-maintainer fails (was a pass)', async () => {
  const res = await changed('vendor', 'bob');
  expect([res.code, res.stdout, res.stderr]).toEqual([1, expect.stringContaining('vendor'), '']);
});

test("twin: the maintainer's change passes", async () => {
  const res = await changed('vendor', 'alice');
  expect([res.code, res.stderr]).toEqual([0, '']);
});

test('a top-level non-UTF-8 folder holding one: nothing can be watched, the run stops with a next step', async () => {
  const res = await changed('.', 'alice');
  expect([res.code, res.stdout, res.stderr]).toEqual([
    2,
    '',
    expect.stringMatching(/^gitguard: a top-level folder .* is not UTF-8 .*; rename the folder[^\n]*\n$/),
  ]);
});

test.each([
  ['a newline', 'x\ny'],
  ['a carriage return', 'x\r'],
  ['a leading space', ' contents x'],
  ['a spec look-alike', 'HEAD:x'],
])(
  'a folder whose name holds %s: its nested .gitattributes changed by a non-maintainer fails',
  async (_what, folder) => {
    const r = makeRepo();
    const [alice, bob] = [sharedSshKey('alice'), sharedSshKey('bob')];
    configureSshSigning(r, alice);
    commitAsPerson(r, alice, 'alice@example.com', 'policy', {
      '.gitguard/policy.yml': POLICY,
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
      [`vendor/${folder}/.gitattributes`]: '*.txt text\n',
    });
    commitAsPerson(r, bob, 'bob@example.com', 'tweak', { [`vendor/${folder}/.gitattributes`]: 'a merge=ours\n' });
    const res = await audit(r);
    expect([res.code, res.stderr]).toEqual([1, '']);
  },
);
