// Issue 11, findings 1, 3 and 8, end to end through the built binary: histories that forge
// authorization by making gitguard read a commit or tag differently from git. Each must fail
// `verify`, `audit -t impersonation,history` and the server's pre-receive hook; the same history
// written honestly still passes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import {
  makeSshKey,
  signedCommit,
  sshSign,
  spliceSignature,
  writeCommitObject,
  type SshTestKey,
} from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

let alice: SshTestKey;
let mallory: SshTestKey;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-forged-'));
  alice = makeSshKey(dir, 'ed25519', 'alice');
  mallory = makeSshKey(dir, 'ed25519', 'mallory');
});

const policyOf = (who: string): string =>
  `version: 1\nsigners:\n  - name: ${who}\n    emails: [${who}@example.com]\nmaintainers: [${who}]\n`;

interface Row {
  commit: string;
  letter: string;
  status: string;
  detail: string;
  committer: string;
}

async function verify(r: TestRepo): Promise<{ code: number; rows: Row[] }> {
  const res = await runMain(['verify', '-C', r.dir, '--format', 'json', '--no-cache'], { env: r.env });
  return { code: res.code, rows: (JSON.parse(res.stdout) as { commits: Row[] }).commits };
}

async function audit(r: TestRepo): Promise<{ code: number; outcomes: Record<string, string> }> {
  const res = await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history'], {
    env: r.env,
  });
  const report = parseJson(res);
  return { code: res.code, outcomes: Object.fromEntries(report.results.map((x) => [x.meta.id, x.outcome])) };
}

/** A repository whose root commit, signed by alice, makes alice the only signer and maintainer
 *  (with `withMallory`, mallory is a signer too, under her own address). */
function governed(withMallory = false): TestRepo {
  const r = makeRepo();
  const policy = withMallory
    ? policyOf('alice').replace('maintainers:', '  - name: mallory\n    emails: [mallory@example.com]\nmaintainers:')
    : policyOf('alice');
  const signers = `alice@example.com ${alice.pub}\n${withMallory ? `mallory@example.com ${mallory.pub}\n` : ''}`;
  r.write({ '.gitguard/policy.yml': policy, '.gitguard/allowed_signers': signers });
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy', { committerEmail: 'alice@example.com' });
  return r;
}

/** The tree of the work tree as it is staged now (without committing it). */
const stagedTree = (r: TestRepo): string => r.run(['write-tree']);

/** Signs an unsigned commit object's bytes with `key` the way git does, stores it, returns its id. */
function signAndStore(r: TestRepo, key: SshTestKey, unsigned: string): string {
  const payload = Buffer.from(unsigned, 'latin1');
  return writeCommitObject(r, spliceSignature(payload, sshSign(key, payload)));
}

/**
 * Finding 1: mallory commits a policy naming herself maintainer, with an extra "parent" header
 * after "committer" naming a commit that carries her policy. git's parents are only the real one.
 */
function parentForgery(r: TestRepo): { forged: string; bogus: string } {
  const real = r.head();
  r.write({
    '.gitguard/policy.yml': policyOf('mallory'),
    '.gitguard/allowed_signers': `mallory@example.com ${mallory.pub}\n`,
  });
  r.run(['add', '-A']);
  const tree = stagedTree(r);
  const bogus = r.run(['commit-tree', tree, '-m', 'a policy from nowhere'], {
    env: { GIT_COMMITTER_EMAIL: 'mallory@example.com', GIT_AUTHOR_EMAIL: 'mallory@example.com' },
  });
  const who = 'Mallory <mallory@example.com> 1704153600 +0000';
  const forged = signAndStore(
    r,
    mallory,
    `tree ${tree}\nparent ${real}\nauthor ${who}\ncommitter ${who}\nparent ${bogus}\n\nmallory takes over\n`,
  );
  r.run(['update-ref', 'refs/heads/main', forged]);
  r.run(['reset', '-q', '--hard', forged]);
  return { forged, bogus };
}

describe('forged objects (issue 11)', () => {
  test('an honest signed history passes verify and the audit', async () => {
    const r = governed();
    r.write({ 'a.txt': 'a' });
    r.run(['add', '-A']);
    signedCommit(r, alice, 'work', { committerEmail: 'alice@example.com' });
    const v = await verify(r);
    expect(v.code).toBe(0);
    expect(v.rows.map((x) => x.status)).toEqual(['authorized', 'authorized']);
    const a = await audit(r);
    expect(a.outcomes['commits-signed']).toBe('pass');
    expect(Object.values(a.outcomes)).not.toContain('fail');
  });

  test('finding 1: a "parent" header after "committer" is not a parent: mallory is judged by alice\'s policy', async () => {
    const r = governed();
    const { forged } = parentForgery(r);
    // git itself sees one parent: the real one.
    expect(r.run(['rev-list', '--parents', '-1', forged]).split(' ')).toHaveLength(2);
    const v = await verify(r);
    expect(v.code).toBe(1);
    const row = v.rows.find((x) => x.commit === forged)!;
    expect(row.status).not.toBe('authorized');
    expect(row.letter).toBe('E');
    expect(row.detail).toContain('"parent" header after the author');
    const a = await audit(r);
    expect(a.code).toBe(1);
    expect(a.outcomes).toMatchObject({ 'signatures-valid': 'fail', 'policy-changes-authorized': 'fail' });
  });

  test('finding 3: with "encoding UTF-7" git shows alice as the committer, and gitguard refuses the commit', async () => {
    const r = governed(true);
    const real = r.head();
    const tree = r.run(['rev-parse', 'HEAD^{tree}']);
    // Raw bytes name "mallory+AEA-evil.test"; glibc's UTF-7 (which git log uses) reads alice@example.com.
    const committer = 'Alice +ADw-alice+AEA-example.com+AD4- <mallory+AEA-evil.test> 1704153600 +-0000';
    const forged = writeCommitObject(
      r,
      Buffer.from(
        `tree ${tree}\nparent ${real}\nauthor ${committer}\ncommitter ${committer}\nencoding UTF-7\n\nlooks like alice's\n`,
      ),
    );
    expect(r.run(['log', '-1', '--format=%cn <%ce>', forged])).toBe('Alice <alice@example.com>');
    r.run(['update-ref', 'refs/heads/main', forged]);
    const v = await verify(r);
    expect(v.code).toBe(1);
    const row = v.rows.find((x) => x.commit === forged)!;
    expect(row.letter).toBe('E');
    expect(row.detail).toContain('unsupported encoding "UTF-7"');
  });

  test('finding 3: a latin-1 commit is judged by the identity git log shows, decoded', async () => {
    const r = governed();
    const real = r.head();
    const tree = r.run(['rev-parse', 'HEAD^{tree}']);
    const who = 'Alic\xe9 <alice@example.com> 1704153600 +0000';
    const c = signAndStore(
      r,
      alice,
      `tree ${tree}\nparent ${real}\nauthor ${who}\ncommitter ${who}\nencoding ISO-8859-1\n\ncaf\xe9\n`,
    );
    r.run(['update-ref', 'refs/heads/main', c]);
    const v = await verify(r);
    expect(v.rows.find((x) => x.commit === c)!.status).toBe('authorized');
    expect(r.run(['log', '-1', '--format=%cn', c])).toBe('Alic\u00e9');
  });

  test('finding 3: a NUL byte in the header, followed by a second committer, is refused', async () => {
    const r = governed();
    const real = r.head();
    const tree = r.run(['rev-parse', 'HEAD^{tree}']);
    const alices = 'Alice <alice@example.com> 1704153600 +0000';
    const c = signAndStore(
      r,
      mallory,
      `tree ${tree}\nparent ${real}\nauthor ${alices}\ncommitter ${alices}\nx-note \0\ncommitter Mallory <mallory@example.com> 1704153600 +0000\n\nnul\n`,
    );
    r.run(['update-ref', 'refs/heads/main', c]);
    const row = (await verify(r)).rows.find((x) => x.commit === c)!;
    expect(row.letter).toBe('E');
    expect(row.detail).toContain('NUL byte');
  });

  test('finding 1: the pre-receive hook rejects the forged parent (and accepts the honest push)', async () => {
    const server = makeRepo({ bare: true });
    // The installed hook answered by gitguard in this process (helpers/hook-bridge.ts); git stays real.
    const bridge = await inProcessHooks();
    expect((await runMain(['hook', 'install', '--server'], { cwd: server.dir, env: server.env, ...bridge })).code).toBe(
      0,
    );
    server.run(['config', 'receive.fsckObjects', 'true']);
    const client = governed();
    client.run(['remote', 'add', 'origin', server.dir]);
    const push = async (): Promise<{ ok: boolean; stderr: string }> => {
      const res = await gitAsync(client, ['push', 'origin', 'main']);
      return { ok: res.code === 0, stderr: res.code === 0 ? '' : res.stderr };
    };
    expect((await push()).ok).toBe(true);
    const { forged } = parentForgery(client);
    const r = await push();
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain(`commit ${forged.slice(0, 12)}`);
    expect(server.run(['rev-parse', 'refs/heads/main'])).not.toBe(forged);
  });
});

describe('finding 8: signed tags are re-hashed', () => {
  test('a tag object swapped after a first audit loses its cached verdict', async () => {
    const r = governed();
    const head = r.head();
    r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${alice.path}`, 'tag', '-s', '-m', 'release', 'v1', head], {
      env: { GIT_COMMITTER_EMAIL: 'alice@example.com' },
    });
    const tagId = r.run(['rev-parse', 'refs/tags/v1']);
    const tagsSigned = async (): Promise<string> => {
      const res = await runMain(['audit', r.dir, '--format', 'json', '--rule', 'tags-signed'], { env: r.env });
      return resultOf(parseJson(res), 'tags-signed').outcome;
    };
    expect(await tagsSigned()).toBe('pass'); // fills the verify cache
    // Same id, other bytes: the loose object (git tag wrote one) rewritten by hand under the old name.
    const raw = execFileSync('git', ['cat-file', 'tag', tagId], { cwd: r.dir, env: r.env });
    const swapped = Buffer.from(raw.toString('latin1').replace('release', 'RELEASE'), 'latin1');
    const file = join(r.dir, '.git', 'objects', tagId.slice(0, 2), tagId.slice(2));
    rmSync(file, { force: true });
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`tag ${swapped.length}\0`), swapped])));
    expect(r.run(['cat-file', 'tag', tagId])).toContain('RELEASE');
    expect(await tagsSigned()).toBe('fail');
  });
});
