// Ninth round of clean set-ups that must pass (see clean-workflows.test.ts to -8): a maintainer's week.
// A policy made by `gitguard init`, Alice its maintainer, Carol a signer, every commit and tag signed
// with ssh-keygen. A floating major tag (v1, moved to each v1.x release as GitHub Actions publish)
// failed tags-not-moved and both hooks; protected.floating_tags now lets a maintainer's signed tag
// move it forward, and each twin (lightweight, backwards, by Carol, a tag not named) still fails.
// The everyday work (release branch, cherry-pick -x, revert of a revert, fixup + autosquash, notes,
// a submodule bump, npm version's tag, odd files, .mailmap) passed already and is kept so it stays so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { tryGit } from '../helpers/signing-repo.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, type JsonReport } from '../helpers/cli.js';
import { makeGpg } from '../helpers/gpg.js';
import { personEnv } from '../helpers/repo.js';
import { madeOnceFor } from '../helpers/made-once.js';

let alice: SshTestKey;
let carol: SshTestKey;
let base: TestRepo;
const who = (k: SshTestKey) => (k === alice ? 'alice' : 'carol');
const envOf = (k: SshTestKey): NodeJS.ProcessEnv => ({
  GIT_AUTHOR_NAME: who(k),
  GIT_AUTHOR_EMAIL: `${who(k)}@example.com`,
  GIT_COMMITTER_NAME: who(k),
  GIT_COMMITTER_EMAIL: `${who(k)}@example.com`,
});
const gitAs = (r: TestRepo, k: SshTestKey, args: string[]): string =>
  r.run(['-c', `user.signingkey=${k.path}`, '-c', 'commit.gpgSign=true', '-c', 'tag.gpgSign=true', ...args], {
    env: envOf(k),
  });
const asAlice = (r: TestRepo, m: string, f: Record<string, string>, a: string[] = []) =>
  commitAsPerson(r, alice, 'alice@example.com', m, f, a);
const asCarol = (r: TestRepo, m: string, f: Record<string, string>, a: string[] = []) =>
  commitAsPerson(r, carol, 'carol@example.com', m, f, a);

beforeAll(async () => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-clean9-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
  const r = makeRepo();
  configureSshSigning(r, alice);
  r.run(['config', 'user.email', 'alice@example.com']);
  r.run(['config', 'user.name', 'alice']);
  asAlice(r, 'start', {
    'src/a.txt': 'a\n',
    '.github/workflows/ci.yml':
      'on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n      - run: npx gitguard audit\n',
  });
  const init = await runMain(['init', '-C', r.dir], { env: r.env });
  expect(init.code).toBe(0);
  r.run(['add', '.gitguard']);
  asAlice(r, 'Add gitguard trust policy', {});
  const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
  r.write({
    '.gitguard/policy.yml': policy.replace(
      /signers:\n/,
      'signers:\n  - name: "Carol"\n    emails: ["carol@example.com"]\n',
    ),
  });
  writeFileSync(join(r.dir, '.gitguard', 'allowed_signers'), `carol@example.com ${carol.pub}\n`, { flag: 'a' });
  asAlice(r, 'policy: carol signs', {});
  base = r;
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const ENV = /forge|client|vulnerab|security-policy|signing-enabled|fsck|ntfs|hook-installed|client-data/;
const audit = async (r: TestRepo, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', ...extra], { env: r.env });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
};
const bad = (report: JsonReport) =>
  report.results
    .filter((x) => !['pass', 'not-applicable'].includes(x.outcome) && !ENV.test(x.meta.id))
    .map(
      (x) =>
        `${x.meta.id}:${x.outcome}:${x.findings
          .map((f) => f.message)
          .join(' | ')
          .slice(0, 300)}`,
    );

test('sanity: the base passes', async () => {
  expect(bad((await audit(copyRepo(base))).report)).toEqual([]);
});

/** base with protected.floating_tags: [refs/tags/v?] (alice's signed change), v1.0.0 and v1 at its tip, audited once. */
const makeFloatingBase = async (): Promise<TestRepo> => {
  const r = copyRepo(base);
  const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
  asAlice(r, 'policy: v1 floats', {
    '.gitguard/policy.yml': `${policy}\nprotected:\n  floating_tags: [refs/tags/v?]\n`,
  });
  gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.0', 'v1.0.0']);
  gitAs(r, alice, ['tag', '-s', '-m', 'v1', 'v1']);
  const first = await audit(r);
  expect(outcomeOf(first.report, 'tags-not-moved')).toBe('not-applicable');
  expect(first.report.ledger?.updated).toBe(true);
  asCarol(r, 'fix', { 'src/b.txt': 'b\n' });
  gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.1', 'v1.0.1']);
  return r;
};
// Made (and its first audit checked) once for the file; each test takes a copy, ledger included.
const floatingBase = madeOnceFor(makeFloatingBase);
const outcomeOf = (report: JsonReport, id: string) => report.results.find((x) => x.meta.id === id)!.outcome;
const movedMessage = (report: JsonReport) =>
  report.results
    .find((x) => x.meta.id === 'tags-not-moved')!
    .findings.map((f) => f.message)
    .join('\n');

describe('a floating major tag (v1) moved to each release, as GitHub Actions publish', () => {
  test("alice's signed v1 moved forward to v1.0.1 passes, and the ledger records it", async () => {
    const r = await floatingBase();
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    const a = await audit(r);
    expect(bad(a.report)).toEqual([]);
    expect(a.report.results.find((x) => x.meta.id === 'tags-not-moved')!.note).toMatch(
      /floating tag\(s\) moved forward by a maintainer's signed tag \(protected\.floating_tags\): refs\/tags\/v1$/,
    );
    expect(a.report.ledger?.updated).toBe(true);
    // and once more, after another release
    asCarol(r, 'fix 2', { 'src/b.txt': 'b2\n' });
    gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.2', 'v1.0.2']);
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    expect(bad((await audit(r)).report)).toEqual([]);
  });

  test('twins: moved by a signer who is no maintainer, lightweight, backwards, or a tag not named floating: each fails', async () => {
    const r = await floatingBase();
    const v100 = r.run(['rev-parse', 'v1.0.0^{commit}']);
    gitAs(r, carol, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    expect(movedMessage((await audit(r)).report)).toMatch(
      /refs\/tags\/v1 was moved.*signed by Carol, who is not a maintainer/,
    );
    r.run(['tag', '-f', 'v1']);
    expect(movedMessage((await audit(r)).report)).toMatch(/refs\/tags\/v1 was moved.*lightweight/);
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1', `${v100}~1`]);
    expect(movedMessage((await audit(r)).report)).toMatch(/refs\/tags\/v1 was moved.*does not descend/);
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1', v100]);
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1.0.0', 'v1.0.0']);
    const a = await audit(r);
    expect(movedMessage(a.report)).toMatch(/refs\/tags\/v1\.0\.0 was moved/);
    expect(movedMessage(a.report)).not.toMatch(/refs\/tags\/v1 was/);
    expect(a.report.ledger?.updated).toBe(false);
  });

  test("the pre-push hook lets alice's forward move through; carol's, or a lightweight one, is refused", async () => {
    const r = await floatingBase();
    const old = r.run(['rev-parse', 'refs/tags/v1']);
    const prePush = (now: string) =>
      runMain(['hook', 'run', 'pre-push', 'origin', 'https://example.invalid/r.git', '-C', r.dir], {
        env: r.env,
        input: `refs/tags/v1 ${now} refs/tags/v1 ${old}\n`,
      });
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    const ok = await prePush(r.run(['rev-parse', 'refs/tags/v1']));
    expect(ok.stderr).not.toContain('refused');
    expect(ok.code).toBe(0);
    gitAs(r, carol, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    const byCarol = await prePush(r.run(['rev-parse', 'refs/tags/v1']));
    expect(byCarol.stderr).toMatch(/refused: moving protected tag refs\/tags\/v1 .*Carol, who is not a maintainer/);
    expect(byCarol.code).toBe(1);
    r.run(['tag', '-f', 'v1']);
    const light = await prePush(r.run(['rev-parse', 'refs/tags/v1']));
    expect(light.stderr).toMatch(/refused: moving protected tag refs\/tags\/v1 .*lightweight/);
    expect(light.code).toBe(1);
  });

  test("the server's pre-receive hook accepts alice's forward move of v1; carol's or a lightweight one is rejected", async () => {
    const r = await floatingBase();
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    expect(tryGit(r, ['push', '-q', 'origin', 'main', 'v1', 'v1.0.0']).code).toBe(0);
    const bridge = await inProcessHooks();
    expect((await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env, ...bridge })).code).toBe(0);
    expect((await gitAsync(r, ['push', '-q', 'origin', 'main', 'v1.0.1'])).code).toBe(0);
    gitAs(r, carol, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    const byCarol = await gitAsync(r, ['push', '-f', 'origin', 'v1']);
    expect(byCarol.stderr).toMatch(
      /refs\/tags\/v1: moving a protected tag is not allowed .*Carol, who is not a maintainer/,
    );
    expect(byCarol.code).not.toBe(0);
    r.run(['tag', '-f', 'v1']);
    const light = await gitAsync(r, ['push', '-f', 'origin', 'v1']);
    expect(light.stderr).toMatch(/refs\/tags\/v1: moving a protected tag is not allowed .*lightweight/);
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    const ok = await gitAsync(r, ['push', '-f', 'origin', 'v1']);
    expect(ok.stderr).not.toMatch(/rejected/);
    expect(ok.code).toBe(0);
    expect(tryGit(r, ['rev-parse', 'refs/tags/v1'], remote).stdout.trim()).toBe(r.run(['rev-parse', 'refs/tags/v1']));
  });

  test('twin: carol making herself a maintainer and v1 floating in her own commit, then moving v1, fails', async () => {
    const r = copyRepo(base);
    gitAs(r, alice, ['tag', '-s', '-m', 'v1', 'v1']);
    await audit(r);
    const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
    asCarol(r, 'policy: v1 floats', {
      '.gitguard/policy.yml': `${policy.replace('maintainers: ["alice@example.com"]', 'maintainers: ["alice@example.com", "Carol"]')}\nprotected:\n  floating_tags: [refs/tags/v?]\n`,
    });
    gitAs(r, carol, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    const a = await audit(r);
    expect(bad(a.report).map((x) => x.split(':')[0])).toEqual(
      expect.arrayContaining(['policy-changes-authorized', 'tags-not-moved']),
    );
    expect(a.report.ledger?.updated).toBe(false);
  });

  test('protected.floating_tags naming a branch is refused in one line (exit 2)', async () => {
    const r = copyRepo(base);
    const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
    asAlice(r, 'policy: main floats', {
      '.gitguard/policy.yml': `${policy}\nprotected:\n  floating_tags: [refs/heads/main]\n`,
    });
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json'], { env: r.env });
    expect(res.stderr).toMatch(/protected\.floating_tags\[0\]: "refs\/heads\/main" is not a tag name or pattern/);
    expect(res.code).toBe(2);
  });

  test('twin: without protected.floating_tags, moving v1 still fails as before', async () => {
    const r = copyRepo(base);
    gitAs(r, alice, ['tag', '-s', '-m', 'v1', 'v1']);
    await audit(r);
    asCarol(r, 'fix', { 'src/b.txt': 'b\n' });
    gitAs(r, alice, ['tag', '-f', '-s', '-m', 'v1', 'v1']);
    expect(movedMessage((await audit(r)).report)).toMatch(
      /^tag refs\/tags\/v1 was moved: it pointed at [0-9a-f]+, now at [0-9a-f]+$/,
    );
  });
});

test('a week of everyday work passes audit, --all, --base and the pre-push hook; twins: git replace, a .mailmap alias, a non-UTF-8 workflow by a signer fail', async () => {
  const r = copyRepo(base);
  // release branch + cherry-pick -x
  asCarol(r, 'feat', { 'src/c.txt': 'c\n' });
  const feat = r.head();
  gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.0', 'v1.0.0']);
  gitAs(r, alice, ['checkout', '-q', '-b', 'release/1.x', 'v1.0.0']);
  r.run(['checkout', '-q', 'main']);
  asCarol(r, 'fix', { 'src/c.txt': 'c2\n' });
  const fix = r.head();
  r.run(['checkout', '-q', 'release/1.x']);
  gitAs(r, carol, ['cherry-pick', '-x', fix]);
  gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.1', 'v1.0.1']);
  r.run(['checkout', '-q', 'main']);
  // revert of revert
  gitAs(r, carol, ['revert', '--no-edit', 'HEAD']);
  void feat;
  gitAs(r, carol, ['revert', '--no-edit', 'HEAD']);
  // allow-empty
  gitAs(r, carol, ['commit', '-q', '--allow-empty', '-m', 'trigger ci']);
  // topic with fixup + autosquash + exec
  r.run(['checkout', '-q', '-b', 'topic']);
  asCarol(r, 'topic 1', { 'src/t.txt': 't\n' });
  const t1 = r.head();
  asCarol(r, 'topic 2', { 'src/t2.txt': 't2\n' });
  asCarol(r, 'fixup', { 'src/t.txt': 't fixed\n' }, ['--fixup', t1]);
  gitAs(r, carol, ['-c', 'sequence.editor=true', 'rebase', '-q', '-i', '--autosquash', '--exec', 'true', 'main']);
  r.run(['checkout', '-q', 'main']);
  gitAs(r, alice, ['merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic']);
  gitAs(r, alice, ['tag', '-s', '-m', 'v1.1.0', 'v1.1.0']);
  // notes
  gitAs(r, carol, ['notes', 'add', '-m', 'reviewed', 'HEAD']);
  // non-utf8 name, crlf, lfs pointer, binary
  r.write({
    'docs/win.txt': 'a\r\nb\r\n',
    'big.lfs':
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n',
  });
  writeFileSync(
    Buffer.concat([Buffer.from(`${r.dir}/`), Buffer.from([0x6e, 0xe9, 0x2e, 0x74, 0x78, 0x74])]),
    'latin1\n',
  );
  // above the secrets scan's 8 MiB blob limit
  writeFileSync(join(r.dir, 'blob.bin'), Buffer.alloc(9 * 1024 * 1024, 7));
  asCarol(r, 'files', {});
  writeFileSync(join(r.dir, '.mailmap'), 'Carol Person <carol@personal.example> <carol@example.com>\n');
  asCarol(r, 'mailmap', {});
  // a submodule bump (a gitlink, no .gitmodules fetch needed to audit)
  const sub = r.run(['commit-tree', '-m', 'sub', r.run(['mktree'], { input: '' })]);
  r.run(['update-index', '--add', '--cacheinfo', `160000,${sub},vendor/lib`]);
  asCarol(r, 'vendor: bump lib', {
    '.gitmodules': '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://example.invalid/lib.git\n',
  });
  // npm version (sign-git-tag): commit "1.2.0", tag v1.2.0 -m 1.2.0
  asCarol(r, '1.2.0', { 'package.json': '{"version":"1.2.0"}\n' });
  gitAs(r, alice, ['tag', '-s', '-m', '1.2.0', 'v1.2.0']);
  const before = r.run(['rev-parse', 'main~3']);
  const a = await audit(r);
  expect(bad(a.report)).toEqual([]);
  expect(bad((await audit(r, ['--all'])).report)).toEqual([]);
  expect(bad((await audit(r, ['--base', before])).report)).toEqual([]);
  const push = await runMain(['hook', 'run', 'pre-push', 'origin', 'https://example.invalid/r.git', '-C', r.dir], {
    env: r.env,
    input: `refs/heads/main ${r.head()} refs/heads/main ${before}\nrefs/tags/v1.2.0 ${r.run(['rev-parse', 'v1.2.0'])} refs/tags/v1.2.0 ${'0'.repeat(40)}\n`,
  });
  expect(push.stderr).not.toContain('refused');
  expect(push.code).toBe(0);
  // twin: a workflow with a non-UTF-8 name added by carol is still a protected path she may not change
  const nu = copyRepo(base);
  writeFileSync(
    Buffer.concat([Buffer.from(`${nu.dir}/.github/workflows/`), Buffer.from([0xe9, 0x2e, 0x79, 0x6d, 0x6c])]),
    'on: [push]\n',
  );
  asCarol(nu, 'a workflow', {});
  expect(bad((await audit(nu)).report).map((x) => x.split(':')[0])).toEqual(['protected-paths-changed-by-maintainers']);
  // twin: .mailmap mapping mallory's address onto carol's does not make carol's key speak for mallory
  const mm = copyRepo(base);
  writeFileSync(join(mm.dir, '.mailmap'), 'carol <carol@example.com> <mallory@example.com>\n');
  commitAsPerson(mm, carol, 'mallory@example.com', 'as mallory', { 'src/m.txt': 'm\n' });
  expect(bad((await audit(mm)).report).map((x) => x.split(':')[0])).toEqual(['signer-matches-committer']);
  // twin: git replace (history substituted) still fails
  r.run(['replace', '-f', 'HEAD~1', 'HEAD']);
  expect(bad((await audit(r)).report).map((x) => x.split(':')[0])).toContain('replace-refs-absent');
});

describe('an OpenPGP key that expired after it signed, then was extended', () => {
  const day = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  test('what it signed while valid passes, and after the extension too; twin: a signature before the policy copy is extended fails', async () => {
    const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-c9g-')));
    try {
      const dave = gpg.genKey('dave <dave@example.com>', 'ed25519', { expire: '1y', at: day('2024-01-01T00:00:00Z') });
      const r = makeRepo();
      const asAliceAt = (iso: string, m: string, files: Record<string, string>) => {
        r.write(files);
        r.run(['add', '-A']);
        r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${alice.path}`, 'commit', '-q', '-S', '-m', m], {
          env: personEnv('alice@example.com', iso),
        });
      };
      const daveArgs = (iso: string) => ({
        args: ['-c', 'gpg.format=openpgp', '-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${dave}`],
        env: {
          ...personEnv('dave@example.com', iso),
          GNUPGHOME: gpg.home,
          GG_GPG_ARGS: `--faked-system-time ${day(iso)}!`,
        },
      });
      const asDaveAt = (iso: string, m: string) => {
        const d = daveArgs(iso);
        r.write({ [`src/${m}.txt`]: `${m}\n` });
        r.run(['add', '-A']);
        r.run([...d.args, 'commit', '-q', '-S', '-m', m], { env: d.env });
        return r.head();
      };
      const key = () => gpg.run(['--armor', '--export', dave]).toString();
      asAliceAt('2024-01-02T00:00:00Z', 'policy', {
        '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: dave\n    emails: [dave@example.com]\n    openpgp: [${dave}]\nmaintainers: [alice]\n`,
        '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
        '.gitguard/keys/dave.asc': key(),
      });
      asDaveAt('2024-06-01T00:00:00Z', 'feature');
      const d = daveArgs('2024-06-02T00:00:00Z');
      r.run([...d.args, 'tag', '-s', '-m', 'v1.0', 'v1.0'], { env: d.env });
      const expired = await audit(r);
      expect(bad(expired.report)).toEqual([]);
      // the extension: a new self-signature, the key file updated by alice, dave signs again
      gpg.setExpire(dave, '2y', day('2025-03-01T00:00:00Z'));
      // twin, on a copy: dave signs with the extended key before the policy's copy of it is updated
      const twin = copyRepo(r);
      const early = (() => {
        const t = daveArgs('2025-03-01T12:00:00Z');
        twin.write({ 'src/early.txt': 'early\n' });
        twin.run(['add', '-A']);
        twin.run([...t.args, 'commit', '-q', '-S', '-m', 'early'], { env: t.env });
        return twin.head();
      })();
      const tw = await audit(twin);
      expect(bad(tw.report).map((x) => x.split(':')[0])).toEqual(['signing-keys-valid']);
      expect(JSON.stringify(tw.report)).toContain(early);
      asAliceAt('2025-03-02T00:00:00Z', 'policy: dave extended his key', { '.gitguard/keys/dave.asc': key() });
      asDaveAt('2025-03-03T00:00:00Z', 'after');
      expect(bad((await audit(r)).report)).toEqual([]);
    } finally {
      gpg.kill();
    }
  });
});

describe("GitLab's web UI commits (the web editor, suggestions, the merge button), signed with the instance's SSH key", () => {
  test('accepted as the README says (a forge with its ssh key, its allowed_signers line as GitLab documents it); twins fail', async () => {
    const gitlab = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-c9l-')), 'ed25519', 'gitlab');
    const fpr = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${gitlab.path}.pub`])
      .toString()
      .split(' ')[1]!;
    const r = copyRepo(base);
    const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
    writeFileSync(join(r.dir, '.gitguard', 'allowed_signers'), `noreply@gitlab.com namespaces="git" ${gitlab.pub}\n`, {
      flag: 'a',
    });
    asAlice(r, 'policy: GitLab web commits', {
      '.gitguard/policy.yml': `${policy}\nforges:\n  - name: GitLab\n    committer: noreply@gitlab.com\n    ssh: ["${fpr}"]\n`,
    });
    const person = (email: string) => {
      const name = email.split('@')[0]!;
      return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
    };
    const asGitLab = (t: TestRepo, author: string, m: string, files: Record<string, string>, args: string[] = []) => {
      t.write(files);
      t.run(['add', '-A']);
      t.run(['-c', `user.signingkey=${gitlab.path}`, 'commit', '-q', '-S', ...args, '-m', m], {
        env: {
          ...person(author),
          GIT_COMMITTER_NAME: 'GitLab',
          GIT_COMMITTER_EMAIL: 'noreply@gitlab.com',
        },
      });
      return t.head();
    };
    asGitLab(r, 'carol@example.com', 'Apply 1 suggestion(s) to 1 file(s)', { 'src/a.txt': 'a2\n' }, [
      '-m',
      'Co-authored-by: alice <alice@example.com>',
    ]);
    // the merge button: a merge commit of carol's branch, signed by GitLab
    r.run(['checkout', '-q', '-b', 'feature']);
    asCarol(r, 'feature', { 'src/f.txt': 'f\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(
      [
        '-c',
        `user.signingkey=${gitlab.path}`,
        'merge',
        '-q',
        '--no-ff',
        '-S',
        '-m',
        "Merge branch 'feature' into 'main'",
        'feature',
      ],
      {
        env: {
          ...person('carol@example.com'),
          GIT_COMMITTER_NAME: 'GitLab',
          GIT_COMMITTER_EMAIL: 'noreply@gitlab.com',
        },
      },
    );
    expect(bad((await audit(r)).report)).toEqual([]);
    // twins: GitLab's key as carol (the committer is not GitLab), and a web-editor change to a workflow
    const t1 = copyRepo(r);
    t1.write({ 'src/x.txt': 'x\n' });
    t1.run(['add', '-A']);
    t1.run(['-c', `user.signingkey=${gitlab.path}`, 'commit', '-q', '-S', '-m', 'as carol'], {
      env: person('carol@example.com'),
    });
    expect(bad((await audit(t1)).report).map((x) => x.split(':')[0])).toContain('signers-authorized');
    const t2 = copyRepo(r);
    asGitLab(t2, 'alice@example.com', 'Update ci.yml', { '.github/workflows/ci.yml': 'on: [push]\n' });
    expect(bad((await audit(t2)).report).map((x) => x.split(':')[0])).toContain(
      'protected-paths-changed-by-maintainers',
    );
  });
});

describe('a signer who leaves after signing a release tag', () => {
  test('retired (as docs/policy.md says) keeps the tag valid; removed, the tag fails and the finding says to retire them instead', async () => {
    const r = copyRepo(base);
    gitAs(r, carol, ['tag', '-s', '-m', 'v0.9', 'v0.9']);
    asCarol(r, 'work', { 'src/w.txt': 'w\n' });
    const policy = r.run(['show', 'HEAD:.gitguard/policy.yml']);
    const carolLine = '  - name: "Carol"\n    emails: ["carol@example.com"]\n';
    const retired = copyRepo(r);
    asAlice(retired, 'carol retires', {
      '.gitguard/policy.yml': policy.replace(carolLine, `${carolLine}    retired: 2026-01-01T00:00:00Z\n`),
    });
    expect(bad((await audit(retired)).report)).toEqual([]);
    // twin: her tag signed after the retirement (the repository's dates are pinned to 2024) fails
    retired.run(['-c', `user.signingkey=${carol.path}`, 'tag', '-s', '-m', 'v0.9.1', 'v0.9.1'], {
      env: { ...envOf(carol), GIT_COMMITTER_DATE: '2026-06-01T00:00:00Z' },
    });
    expect(bad((await audit(retired)).report).map((x) => x.split(':')[0])).toEqual(['tags-signed']);
    asAlice(r, 'carol leaves', { '.gitguard/policy.yml': policy.replace(carolLine, '') });
    const removed = bad((await audit(r)).report);
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(
      /^tags-signed:fail:refs\/tags\/v0\.9: unknown-signer .*keep them in it with retired: DATE/,
    );
  });
});

describe("a week of pushes through gitguard's pre-push hook (installed, real git push to a bare remote)", () => {
  test('main, a release branch of cherry-picks with --follow-tags, a topic force-pushed after autosquash, notes: all go through; twin: an unsigned commit is refused', async () => {
    const r = copyRepo(base);
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    const bridge = await inProcessHooks();
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env, ...bridge })).code).toBe(0);
    const push = async (args: string[]) => {
      const res = await gitAsync(r, ['push', ...args]);
      expect(res.stderr).not.toMatch(/refused|blocked/);
      expect(res.code).toBe(0);
    };
    await push(['-u', 'origin', 'main']);
    gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.0', 'v1.0.0']);
    asCarol(r, 'fix', { 'src/a.txt': 'fixed\n' });
    const fix = r.head();
    await push(['--follow-tags', 'origin', 'main']);
    r.run(['checkout', '-q', '-b', 'release/1.0', 'v1.0.0']);
    gitAs(r, alice, ['cherry-pick', '-x', fix]);
    gitAs(r, alice, ['tag', '-s', '-m', 'v1.0.1', 'v1.0.1']);
    await push(['--follow-tags', '-u', 'origin', 'release/1.0']);
    r.run(['checkout', '-q', '-b', 'topic', 'main']);
    const t1 = asCarol(r, 'topic', { 'src/t.txt': 't\n' });
    await push(['-u', 'origin', 'topic']);
    asCarol(r, 'fixup! topic', { 'src/t.txt': 't2\n' }, ['--fixup', t1]);
    gitAs(r, carol, ['-c', 'sequence.editor=true', 'rebase', '-q', '-i', '--autosquash', 'main']);
    await push(['--force-with-lease', 'origin', 'topic']);
    r.run(['checkout', '-q', 'main']);
    gitAs(r, alice, ['merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic']);
    gitAs(r, carol, ['notes', 'add', '-m', 'released', 'v1.0.1']);
    await push(['origin', 'main', 'refs/notes/commits', ':topic']);
    expect(bad((await audit(r, ['--all'])).report)).toEqual([]);
    // twin: the hook does run: an unsigned commit on main is refused
    commitAsPerson(r, undefined, 'carol@example.com', 'unsigned', { 'src/u.txt': 'u\n' });
    const refused = await gitAsync(r, ['push', 'origin', 'main']);
    expect(refused.stderr).toMatch(/commits-signed/);
    expect(refused.code).not.toBe(0);
  });
});
