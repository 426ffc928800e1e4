// Red-team round 11: protected.floating_tags lets a maintainer's signed tag of its own name move a
// listed tag forward. Attacks with real git and ssh-keygen signatures: a maintainer's old tag object
// replayed after a retraction, a tag's new commits smuggled past the server's hook, the policy that
// lists the tag changed in the same push.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { tryGit } from '../helpers/signing-repo.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, type JsonReport } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;
const who = (k: SshTestKey) => (k === alice ? 'alice' : 'carol');
/** A tag by `k` at a given time (a tag's tagger date is the signer's word, as git records it). */
const tagAs = (r: TestRepo, k: SshTestKey, args: string[], date = '2026-06-01T00:00:00Z'): string =>
  r.run(['-c', `user.signingkey=${k.path}`, '-c', 'tag.gpgSign=true', 'tag', ...args], {
    env: { GIT_COMMITTER_NAME: who(k), GIT_COMMITTER_EMAIL: `${who(k)}@example.com`, GIT_COMMITTER_DATE: date },
  });

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]\n';

beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt11f-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': `${POLICY}protected:\n  floating_tags: [refs/tags/v?]\n`,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\n`,
  });
  base = r;
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const audit = async (r: TestRepo) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-t', 'impersonation,history'], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res) };
};
const moved = (report: JsonReport) => {
  const r = report.results.find((x) => x.meta.id === 'tags-not-moved')!;
  return { outcome: r.outcome, messages: r.findings.map((f) => f.message).join('\n') };
};

test("a maintainer's older v1 tag object replayed after v1 was retracted: fails (before: passed as a forward move)", async () => {
  const r = copyRepo(base);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.0', { 'a.txt': '1\n' });
  tagAs(r, alice, ['-s', '-m', 'v1', 'v1'], '2026-06-01T00:00:00Z');
  expect((await audit(r)).code).toBe(0);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.1 (broken)', { 'a.txt': '2\n' });
  tagAs(r, alice, ['-f', '-s', '-m', 'v1', 'v1'], '2026-06-02T00:00:00Z');
  const broken = r.run(['rev-parse', 'refs/tags/v1']);
  expect((await audit(r)).code).toBe(0);
  // 1.0.1 is retracted: alice moves v1 back with a new signed tag and accepts it in the ledger.
  tagAs(r, alice, ['-f', '-s', '-m', 'v1 (1.0.1 retracted)', 'v1', 'HEAD~1'], '2026-06-03T00:00:00Z');
  expect(
    (await runMain(['ledger', 'accept', 'refs/tags/v1', '--reason', 'retract 1.0.1', '-C', r.dir], { env: r.env }))
      .code,
  ).toBe(0);
  expect((await audit(r)).code).toBe(0);
  // Anyone who fetched the broken release's tag object puts it back: forward, alice's, named v1.
  r.run(['update-ref', 'refs/tags/v1', broken]);
  const a = await audit(r);
  expect(moved(a.report)).toMatchObject({ outcome: 'fail' });
  expect(moved(a.report).messages).toMatch(/refs\/tags\/v1 was moved.*older than/);
  expect(a.code).toBe(1);
});

test("the server's hook: alice's signed v1 on a new unsigned commit, pushed as the tag alone, is rejected by the commit rules", async () => {
  const r = copyRepo(base);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.0', { 'a.txt': '1\n' });
  tagAs(r, alice, ['-s', '-m', 'v1', 'v1']);
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  expect(tryGit(r, ['push', '-q', 'origin', 'main', 'v1']).code).toBe(0);
  const bridge = await inProcessHooks();
  expect((await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env, ...bridge })).code).toBe(0);
  // An unsigned commit on no branch, then v1 moved onto it by alice.
  writeFileSync(join(r.dir, 'a.txt'), 'evil\n');
  r.run(['-c', 'commit.gpgSign=false', 'commit', '-q', '-am', 'unsigned']);
  tagAs(r, alice, ['-f', '-s', '-m', 'v1', 'v1'], '2026-06-02T00:00:00Z');
  r.run(['reset', '-q', '--hard', 'HEAD~1']);
  const res = await gitAsync(r, ['push', '-f', 'origin', 'v1']);
  expect(res.stderr).toMatch(/commits-signed|signers-authorized/);
  expect(res.code).not.toBe(0);
});

test("the server's hook: the policy listing v1 as floating and v1's move in one push is rejected (the server's HEAD decides)", async () => {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\n`,
  });
  tagAs(r, alice, ['-s', '-m', 'v1', 'v1']);
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  expect(tryGit(r, ['push', '-q', 'origin', 'main', 'v1']).code).toBe(0);
  const bridge = await inProcessHooks();
  expect((await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env, ...bridge })).code).toBe(0);
  commitAsPerson(r, alice, 'alice@example.com', 'v1 floats', {
    '.gitguard/policy.yml': `${POLICY}protected:\n  floating_tags: [refs/tags/v?]\n`,
  });
  tagAs(r, alice, ['-f', '-s', '-m', 'v1', 'v1'], '2026-06-02T00:00:00Z');
  const res = await gitAsync(r, ['push', '-f', 'origin', 'main', 'v1']);
  expect(res.stderr).toMatch(/refs\/tags\/v1: moving a protected tag is not allowed/);
  expect(res.code).not.toBe(0);
});

test("the server's hook: alice's older v1 tag pushed back after the server's admin retracted it is rejected", async () => {
  const r = copyRepo(base);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.0', { 'a.txt': '1\n' });
  tagAs(r, alice, ['-s', '-m', 'v1', 'v1'], '2026-06-01T00:00:00Z');
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  expect(tryGit(r, ['push', '-q', 'origin', 'main', 'v1']).code).toBe(0);
  const bridge = await inProcessHooks();
  expect((await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env, ...bridge })).code).toBe(0);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.1 (broken)', { 'a.txt': '2\n' });
  tagAs(r, alice, ['-f', '-s', '-m', 'v1', 'v1'], '2026-06-02T00:00:00Z');
  const broken = r.run(['rev-parse', 'refs/tags/v1']);
  expect((await gitAsync(r, ['push', '-f', 'origin', 'main', 'v1'])).code).toBe(0);
  // The admin retracts 1.0.1 on the server: v1 back on 1.0.0 as alice's newer signed tag.
  tagAs(r, alice, ['-f', '-s', '-m', 'v1 (1.0.1 retracted)', 'v1', 'HEAD~1'], '2026-06-03T00:00:00Z');
  expect((await gitAsync(r, ['push', 'origin', 'v1:refs/tags/retract'])).code).toBe(0);
  tryGit(r, ['update-ref', 'refs/tags/v1', r.run(['rev-parse', 'refs/tags/v1'])], remote);
  tryGit(r, ['update-ref', '-d', 'refs/tags/retract'], remote);
  // Carol pushes the broken release's tag object back.
  const res = await gitAsync(r, ['push', '-f', 'origin', `${broken}:refs/tags/v1`]);
  expect(res.stderr).toMatch(/refs\/tags\/v1: moving a protected tag is not allowed .*older than the tag it replaces/);
  expect(res.code).not.toBe(0);
});

test("held: alice's signed tag of another name stored as v1, and her signed v1 naming a tree, each fail tags-not-moved", async () => {
  const r = copyRepo(base);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.0', { 'a.txt': '1\n' });
  tagAs(r, alice, ['-s', '-m', 'v1', 'v1'], '2026-06-01T00:00:00Z');
  expect((await audit(r)).code).toBe(0);
  commitAsPerson(r, alice, 'alice@example.com', '1.0.1', { 'a.txt': '2\n' });
  tagAs(r, alice, ['-s', '-m', 'v2', 'v2'], '2026-06-02T00:00:00Z');
  r.run(['update-ref', 'refs/tags/v1', r.run(['rev-parse', 'refs/tags/v2'])]);
  expect(moved((await audit(r)).report).messages).toMatch(/refs\/tags\/v1 was moved.*names itself "v2"/);
  tagAs(r, alice, ['-f', '-s', '-m', 'v1', 'v1', 'HEAD^{tree}'], '2026-06-03T00:00:00Z');
  expect(moved((await audit(r)).report).messages).toMatch(
    /refs\/tags\/v1 was moved.*cannot tell whether it moved forward/,
  );
});
