// A next step gitguard prints is meant to be copied into a shell. When it names something the audited
// repository chose (a ref name: `$`, `(`, `;`, `|` and backquotes are all legal in one), the copied
// command must do what it says and nothing else: the name is one quoted shell word (domain/shell-word.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

test('packed-refs naming a hostile ref twice: the printed `git rev-parse` step, run by /bin/sh, resolves the ref and runs nothing', async () => {
  const r = sshSigningRepo(alice);
  const a = r.commit('one', { 'a.txt': 'a\n' });
  const b = r.commit('two', { 'a.txt': 'b\n' });
  const name = 'refs/heads/x$(touch${IFS}pwned)';
  expect(r.run(['check-ref-format', name])).toBe(''); // a name git accepts
  writeFileSync(join(r.dir, '.git', 'packed-refs'), `${a} ${name}\n${b} ${name}\n`);
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  const step = /(git rev-parse .*) names the id git uses/.exec(res.stderr)?.[1];
  expect(step).toBe(`git rev-parse 'refs/heads/x$(touch\${IFS}pwned)'`);
  const answer = execFileSync('/bin/sh', ['-c', step!], { cwd: r.dir, env: r.env, encoding: 'utf8' }).trim();
  expect([a, b]).toContain(answer);
  expect(existsSync(join(r.dir, 'pwned'))).toBe(false);
});
