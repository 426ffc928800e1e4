// Signed tags built by hand (red-team round 2), each judged by tags-signed and by `git tag -v` with
// the same allowed signers: a tag gitguard passes must be one git verifies, signed by the tagger.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  gitSshVerifyArgs,
  makeSshKey,
  signedCommit,
  sshSign,
  writeAllowedSigners,
  type SshTestKey,
} from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

let r: TestRepo;
let alice: SshTestKey;
let bob: SshTestKey;
let signers: string;
let commit: string;
const TAGGER = 'tagger Alice Example <alice@example.com> 1700000000 +0000';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-tags-'));
  alice = makeSshKey(dir, 'ed25519', 'alice');
  bob = makeSshKey(dir, 'ed25519', 'bob');
  r = makeRepo();
  signers = writeAllowedSigners(join(r.home, 'allowed_signers'), [`alice@example.com ${alice.pub}`]);
  commit = signedCommit(r, alice, 'release commit');
});

/** Writes a tag object (signed by `key` over exactly its bytes) and points refs/tags/<name> at it. */
function tag(name: string, head: string[], key?: SshTestKey, signedBody?: (body: string) => string): string {
  const body = `${head.join('\n')}\n\nrelease ${name}\n`;
  const signature = key ? sshSign(key, signedBody ? signedBody(body) : body) : '';
  const oid = r.run(['hash-object', '-t', 'tag', '-w', '--literally', '--stdin'], { input: body + signature });
  r.run(['update-ref', `refs/tags/${name}`, oid]);
  return oid;
}

const gitVerifies = (name: string): boolean =>
  spawnSync('git', [...gitSshVerifyArgs(signers), 'tag', '-v', name], { cwd: r.dir, env: r.env }).status === 0;

async function findings(): Promise<string[]> {
  const res = await runMain(
    ['audit', r.dir, '--format', 'json', '--no-cache', '--rule', 'tags-signed', '--allowed-signers', signers],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'tags-signed');
  return result.findings.map((f) => String(f.ref));
}

test('hand-made signed tags: gitguard passes only what git verifies, signed by the tagger', async () => {
  const obj = (o: string, type = 'commit') => [`object ${o}`, `type ${type}`];
  tag('good', [...obj(commit), 'tag good', TAGGER], alice);
  tag('no-tagger', [...obj(commit), 'tag no-tagger'], alice);
  const inner = tag('inner', [...obj(commit), 'tag inner', TAGGER]);
  r.run(['update-ref', '-d', 'refs/tags/inner']);
  tag('tag-of-tag', [...obj(inner, 'tag'), 'tag tag-of-tag', TAGGER], alice);
  tag('other-payload', [...obj(commit), 'tag other-payload', TAGGER], alice, (b) => b.replace('release', 'RELEASE'));
  tag('name-lies', [...obj(commit), 'tag v9.9.9', TAGGER], alice);
  tag('bob-as-alice', [...obj(commit), 'tag bob-as-alice', TAGGER], bob);
  const failed = await findings();
  const verdicts: Record<string, [boolean, boolean]> = {};
  for (const name of ['good', 'no-tagger', 'tag-of-tag', 'other-payload', 'name-lies', 'bob-as-alice'])
    verdicts[name] = [gitVerifies(name), !failed.includes(`refs/tags/${name}`)];
  // [git tag -v verifies it, gitguard passes it]
  expect(verdicts).toEqual({
    good: [true, true],
    'no-tagger': [false, false], // git tag -v refuses a tag without a tagger too
    'tag-of-tag': [true, true], // git tag -v checks the outer tag only, as gitguard does
    'other-payload': [false, false],
    'name-lies': [true, false], // signed as v9.9.9, published as refs/tags/name-lies: git describe says "externally known as"
    'bob-as-alice': [false, false],
  });
  for (const [name, [git, ours]] of Object.entries(verdicts)) if (ours) expect([name, git]).toEqual([name, true]);
  // git's own word on the renamed one
  expect(
    spawnSync('git', ['describe', '--match', 'name-lies', commit], { cwd: r.dir, env: r.env, encoding: 'utf8' }).stderr,
  ).toContain('externally known as');
});

test('a signed tag whose "type" header lies about its target: git cannot walk the refs, the audit cannot be done (exit 2)', async () => {
  tag('type-lies', [`object ${commit}`, 'type tree', 'tag type-lies', TAGGER], alice);
  expect(spawnSync('git', ['rev-list', '--all'], { cwd: r.dir, env: r.env }).status).not.toBe(0);
  const res = await runMain(['audit', r.dir, '--no-cache', '--no-ledger', '--rule', 'tags-signed,commits-signed'], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  r.run(['update-ref', '-d', 'refs/tags/type-lies']);
});
