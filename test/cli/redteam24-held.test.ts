// Red-team round 24, attacks that held (each against git's own answer): a packed-refs line naming
// refs/heads/main with a trailing blank or "\r" (git ignores a ref of that broken name: the loose one
// is main), and a loose main beside a packed main of another id in a packed-refs whose header claims
// `sorted` (git prefers the loose ref, and so does for-each-ref): the audit judges git's main, the
// unsigned commit, not the signed one the packed line names.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const HEADER = '# pack-refs with: peeled fully-peeled sorted \n';

describe.each([
  ['a trailing blank', ' '],
  ['a trailing "\\r"', '\r'],
  ['nothing after the name (sorted, loose beside it)', ''],
])('packed-refs names main (signed) with %s, the loose main is unsigned', (_, tail) => {
  test("git's main is the loose one, and the audit judges it", async () => {
    const { r } = aliceAndBob({});
    commitAsPerson(r, sharedSshKey('alice'), 'alice@example.com', 'signed', { 'a.txt': 'a\n' });
    const signed = r.run(['rev-parse', 'HEAD']).trim();
    r.run(['-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', 'unsigned']);
    const unsigned = r.run(['rev-parse', 'HEAD']).trim();
    writeFileSync(join(r.dir, '.git', 'packed-refs'), `${HEADER}${signed} refs/heads/main${tail}\n`);
    expect(r.run(['rev-parse', 'refs/heads/main']).trim()).toBe(unsigned);
    const res = await runMain(
      ['audit', '-C', r.dir, '--all', '--no-cache', '--format', 'json', '-r', 'commits-signed'],
      {
        env: r.env,
      },
    );
    expect(res.code).toBe(1);
    expect(resultOf(parseJson(res), 'commits-signed').outcome).toBe('fail');
    expect(JSON.stringify(parseJson(res))).toContain(unsigned.slice(0, 12));
  });
});

test('twin: a loose main (signed) over a stale packed main (unsigned), as git leaves it after an update: passes', async () => {
  const { r } = aliceAndBob({});
  r.run(['-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', 'unsigned']);
  const unsigned = r.run(['rev-parse', 'HEAD']).trim();
  r.run(['pack-refs', '--all']);
  r.run(['reset', '-q', '--hard', 'HEAD~1']); // git writes the loose ref; packed-refs keeps the old id
  commitAsPerson(r, sharedSshKey('alice'), 'alice@example.com', 'signed', { 'a.txt': 'a\n' });
  expect(r.run(['cat-file', '-p', 'HEAD'])).toContain('gpgsig');
  expect(readFileSync(join(r.dir, '.git', 'packed-refs'), 'utf8')).toContain(`${unsigned} refs/heads/main\n`);
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--format', 'json', '-r', 'commits-signed'], {
    env: r.env,
  });
  expect(resultOf(parseJson(res), 'commits-signed').outcome).toBe('pass');
});
