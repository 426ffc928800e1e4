// Red-team round 24, attacks that held (each against git's own answer): a packed-refs line naming
// refs/heads/main with a trailing blank or "\r" (git ignores a ref of that broken name: the loose one
// is main), and a loose main beside a packed main of another id in a packed-refs whose header claims
// `sorted` (git prefers the loose ref, and so does for-each-ref): the audit judges git's main, the
// unsigned commit, not the signed one the packed line names. Tekton's creds-init exemption: the
// audited repository's own config including a file of creds-init's exact bytes (in a Tekton step,
// beside creds-init's folder) is local scope to git: still fails.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';
import { collectConfig } from '../../src/collect/config.js';
import { discoverRepository } from '../../src/collect/repository.js';
import credentialsRule from '../../src/rules/credentials-not-stored-in-plaintext.js';
import { evaluate, withConfig } from '../helpers/facts.js';
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

test("the audited repository's config includes a copy of creds-init's .gitconfig: local scope, still fails", async () => {
  const CREDS_INIT = '[credential]\n\thelper = store\n[credential "https://github.com"]\n\tusername = tekton-bot\n';
  const r = makeRepo();
  r.commit('one');
  const creds = join(tempDir('gg-rt24-'), 'tekton', 'creds');
  mkdirSync(creds, { recursive: true });
  writeFileSync(join(creds, '.gitconfig'), CREDS_INIT);
  writeFileSync(join(r.dir, 'shaped.gitconfig'), CREDS_INIT);
  r.run(['config', 'include.path', '../shaped.gitconfig']);
  const config = await collectConfig(await discoverRepository(r.dir), r.env, [creds]);
  expect(config.some((e) => e.key === 'credential.helper' && e.scope === 'local')).toBe(true);
  expect(evaluate(credentialsRule, withConfig(...config)).outcome).toBe('fail');
});
