// Red-team round 7: names and messages git accepts that hold characters JavaScript counts as
// whitespace (U+00A0, U+2028) or as a line end (U+2028: "." does not match it without the s flag):
// every reader of git's output takes them as git wrote them, and the reports print them escaped.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';
import { configureSshSigning, makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-refnames-')), 'ed25519', 'alice');
});

const NAMES = ['rel\u00a0candidate', 'line\u2028break', 'gnp.\u202etxt'];

test('a push of branches whose names hold U+00A0, U+2028 or U+202E: judged like any push (before: exit 2, "pre-push input line 1 is not ...")', async () => {
  const r = sshSigningRepo(alice);
  signedCommit(r, alice, 'work');
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  // git's own pre-push input, kept by a hook that copies it and stops the push (after a push the
  // remote-tracking refs would record what the lines say the remote lacks: a picture git never hands the hook)
  const input = join(tempDir(), 'pre-push-input');
  const hook = join(r.dir, '.git', 'hooks', 'pre-push');
  writeFileSync(hook, `#!/bin/sh\ncat > '${input}'\nexit 1\n`);
  chmodSync(hook, 0o755);
  for (const name of NAMES) r.run(['branch', name]);
  expect(tryGit(r, ['push', '-q', 'origin', 'main', ...NAMES]).code).toBe(1);
  const lines = readFileSync(input, 'utf8');
  for (const name of NAMES) expect(lines).toContain(`refs/heads/${name} `);

  const res = await runMain(['hook', 'run', 'pre-push', 'origin', remote, '-C', r.dir], { env: r.env, input: lines });
  expect([res.code, res.stderr]).toEqual([0, 'gitguard pre-push: 2 new commit(s) checked, 0 rule(s) failed\n']);
});

test('a forced update whose reflog message holds U+2028 (an amended subject) is reported (before: the line was skipped, pass)', async () => {
  const r = makeRepo();
  r.commit('one');
  r.commit('two');
  r.run(['commit', '-q', '--amend', '--allow-empty', '-m', 'two\u2028amended']);
  const res = await runMain(['audit', r.dir, '-r', 'reflog-no-forced-updates', '--no-ledger', '-f', 'json'], {
    env: r.env,
  });
  const rule = resultOf(parseJson(res), 'reflog-no-forced-updates');
  expect(rule.outcome).toBe('warn');
  expect(rule.findings.map((f) => f.message).join('\n')).toContain('two\u2028amended');
});

test('init on a repository with an unsigned annotated tag named with U+202E: the tag is goodlisted, its name escaped in the reason (before: exit 2, the proposed policy failed its own checks)', async () => {
  const r = makeRepo();
  configureSshSigning(r, alice);
  r.run(['config', 'user.email', 'alice@example.com']);
  r.commit('before gitguard');
  r.run(['tag', '-a', '-m', 'release', 'v1\u202e0.1']);
  const init = await runMain(['init', '-C', r.dir], { env: r.env });
  expect([init.code, init.stderr]).toEqual([0, '']);
  expect(init.stdout).not.toMatch(/\u202e/);
  const policy = readFileSync(join(r.dir, '.gitguard', 'policy.yml'), 'utf8');
  expect(policy).toContain('reason: "unsigned annotated tag refs/tags/v1\\\\u{202e}0.1, already there');
});
