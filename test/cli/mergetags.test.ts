// Signed tags merged with `git merge --no-ff <tag>` (git keeps the whole tag in a "mergetag"
// header of the merge), made by real gpg and ssh-keygen: gitguard's verdict on the embedded tag,
// through the built binary, compared with what `git log --show-signature` says about it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitSeries } from '../helpers/commit-series.js';
import {
  catCommit,
  gitSshVerifyArgs,
  makeSshKey,
  sshSign,
  spliceSignature,
  splitCommit,
  writeAllowedSigners,
  writeCommitObject,
  type SshTestKey,
} from '../helpers/ssh.js';
import { runCli, runMain, parseJson, resultOf } from '../helpers/cli.js';
import { poolThreshold } from '../../src/collect/trust-verifier.js';

interface MergetagRow {
  tag: string;
  tagger: string | null;
  letter: string;
  signer: string | null;
  status: string;
  detail: string;
  problem: string | null;
}
interface VerifyRow {
  commit: string;
  status: string;
  mergetags?: MergetagRow[];
}

// spawned: the built binary, whose verification moves to worker threads on long histories.
const verifyRows = async (r: TestRepo, args: string[], spawned = false, env: NodeJS.ProcessEnv = {}) => {
  const argv = ['verify', '-C', r.dir, '--format', 'json', '--no-cache', ...args];
  const res = spawned ? runCli(argv, { env: { ...r.env, ...env } }) : await runMain(argv, { env: r.env });
  return { code: res.code, rows: (JSON.parse(res.stdout) as { commits: VerifyRow[] }).commits };
};
const audit = async (r: TestRepo, args: string[]) =>
  resultOf(
    parseJson(
      await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--rule', 'mergetags-valid', ...args], {
        env: r.env,
      }),
    ),
    'mergetags-valid',
  );

/** git's verdict on the merge's embedded tag, read from `git log --show-signature` (git runs gpg or ssh-keygen). */
function gitMergetagLetter(
  r: TestRepo,
  merge: string,
  opts: { env?: NodeJS.ProcessEnv; config?: string[] } = {},
): string {
  const out = r.run([...(opts.config ?? []), 'log', '--show-signature', '-1', '--format=%H', merge], { env: opts.env });
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith("merged tag '"));
  if (at === -1) throw new Error(`git printed no mergetag verdict:\n${out}`);
  const verdict = lines.slice(at + 1).join('\n');
  if (/BAD signature|incorrect signature|verification failed/i.test(verdict)) return 'B';
  if (/Good signature|Good "git" signature/.test(verdict)) return 'G';
  return `? ${verdict}`;
}

/** Rewrites the merge with its embedded tag's message changed (the tag's signature stays), and
 *  signs the forged merge itself again with `sign` when given. */
function tamper(r: TestRepo, merge: string, from: string, to: string, sign?: (payload: Buffer) => string): string {
  const raw = catCommit(r, merge).toString('latin1');
  const i = raw.indexOf(`\n ${from}\n`);
  expect(i).toBeGreaterThan(0);
  let bytes: Buffer = Buffer.from(raw.slice(0, i) + `\n ${to}\n` + raw.slice(i + from.length + 3), 'latin1');
  if (sign) {
    const { payload } = splitCommit(bytes);
    bytes = spliceSignature(payload, sign(payload));
  }
  const forged = writeCommitObject(r, bytes);
  expect(forged).not.toBe(merge);
  return forged;
}

/** A repository where main merges the signed tag v1.0 of an upstream branch; returns the merge id. */
function mergeSignedTag(r: TestRepo, signTag: string[], mergeConfig: string[]): string {
  r.commit('base');
  r.run(['checkout', '-q', '-b', 'upstream']);
  r.commit('upstream work');
  r.run([...signTag, 'tag', '-s', '-m', 'release v1.0', 'v1.0']);
  r.run(['checkout', '-q', 'main']);
  r.commit('main work');
  r.run(['-c', 'merge.verifySignatures=false', ...mergeConfig, 'merge', '-q', '--no-ff', '--no-edit', 'v1.0']);
  const merge = r.head();
  expect(catCommit(r, merge).toString()).toMatch(/\nmergetag object [0-9a-f]{40}\n type commit\n tag v1.0\n/);
  return merge;
}

afterAll(cleanupTemp);

describe('a merged tag signed with OpenPGP', () => {
  let gpg: Gpg;
  let r: TestRepo;
  let fpr: string;
  let merge: string;
  let keyring: string;
  beforeAll(async () => {
    // The repository's pinned GNUPGHOME is this gpg's home: every git command (signing, and
    // git log --show-signature for the comparison) uses it, with alice's key trusted.
    r = makeRepo();
    gpg = makeGpg(r.env.GNUPGHOME!);
    fpr = gpg.genKey('Alice Example <alice@example.com>', 'ed25519');
    gpg.trust(fpr);
    r.run(['config', 'user.signingkey', fpr]);
    r.run(['config', 'commit.gpgSign', 'true']);
    keyring = join(r.home, 'alice.asc');
    writeFileSync(keyring, gpg.exportPublic(fpr));
    merge = mergeSignedTag(r, [], []);
  });
  const resign = (payload: Buffer): string =>
    gpg.run(['--armor', '--detach-sign', '--local-user', fpr], { input: payload }).toString();
  afterAll(() => gpg.kill());

  test('a good tag signature is G and authorized in verify, as git says, and the rule passes', async () => {
    const { rows, code } = await verifyRows(r, ['--keyring', keyring]);
    expect(rows.map((x) => x.status)).toEqual(['authorized', 'authorized', 'authorized', 'authorized']);
    expect(code).toBe(0);
    const row = rows.find((x) => x.commit === merge)!;
    expect(row.mergetags).toEqual([
      expect.objectContaining({
        tag: 'v1.0',
        tagger: 'alice@example.com',
        letter: 'G',
        status: 'authorized',
        problem: null,
      }),
    ]);
    expect(rows.filter((x) => x.commit !== merge).every((x) => x.mergetags === undefined)).toBe(true);
    expect(gitMergetagLetter(r, merge)).toBe('G');
    const res = await audit(r, ['--keyring', keyring]);
    expect(res.outcome).toBe('pass');
    expect(res.note).toContain('1 merge(s) embed tags: 1 by authorized signers');
  });

  test('the text line of the merge ends with a mergetag token', async () => {
    const out = (
      await runMain(['verify', '-C', r.dir, '--no-cache', '--keyring', keyring], { env: r.env })
    ).stdout.split('\n');
    expect(out.find((l) => l.startsWith(merge))).toMatch(/ G \S+ authorized:alice@example.com mergetag:authorized$/);
    expect(out.filter((l) => l.includes('mergetag:'))).toHaveLength(1);
  });

  test('signed by a key outside the keys supplied, the tag is an unknown signer and the rule still passes', async () => {
    const other = gpg.genKey('Bob <bob@example.com>', 'ed25519');
    const bobOnly = join(r.home, 'bob.asc');
    writeFileSync(bobOnly, gpg.exportPublic(other));
    const row = (await verifyRows(r, ['--keyring', bobOnly])).rows.find((x) => x.commit === merge)!;
    expect(row.mergetags?.map((m) => [m.letter, m.status])).toEqual([['E', 'unknown-signer']]);
    const res = await audit(r, ['--keyring', bobOnly]);
    expect(res.outcome).toBe('pass');
    expect(res.note).toContain('1 not vouched for by the policy or keys (v1.0)');
  });

  test('a tag changed after it was signed is B, as git says, verify exits 1 and the audit fails mergetags-valid', async () => {
    // The forger signs the forged merge with a valid key: only the embedded tag gives it away.
    const forged = tamper(r, merge, 'release v1.0', 'release v6.6.6', resign);
    expect(gitMergetagLetter(r, forged)).toBe('B');
    expect(r.run(['log', '-1', '--format=%G?', forged])).toBe('G');
    const { rows, code } = await verifyRows(r, ['--keyring', keyring, forged]);
    expect(rows.find((x) => x.commit === forged)?.status).toBe('authorized');
    expect(rows.find((x) => x.commit === forged)?.mergetags).toEqual([
      expect.objectContaining({
        tag: 'v1.0',
        letter: 'B',
        status: 'bad',
        problem: expect.stringContaining('bad signature (B)'),
      }),
    ]);
    expect(code).toBe(1);
    r.run(['update-ref', 'refs/heads/forged', forged]);
    r.run(['symbolic-ref', 'HEAD', 'refs/heads/forged']);
    try {
      const res = await audit(r, ['--keyring', keyring]);
      expect(res.outcome).toBe('fail');
      expect(res.findings.map((f) => f.commit)).toEqual([forged]);
      expect(res.findings[0]!.message).toContain("merged tag 'v1.0': bad signature (B)");
    } finally {
      r.run(['symbolic-ref', 'HEAD', 'refs/heads/main']);
    }
  });

  test("the verdict cache is keyed by the embedded tag's bytes: a cached good tag does not vouch for a changed copy", async () => {
    const cached = async (rev: string) =>
      (
        JSON.parse(
          (await runMain(['verify', '-C', r.dir, '--format', 'json', '--keyring', keyring, rev], { env: r.env }))
            .stdout,
        ) as { commits: VerifyRow[] }
      ).commits
        .find((x) => x.commit === rev)
        ?.mergetags?.map((m) => m.letter);
    expect(await cached(merge)).toEqual(['G']);
    expect(await cached(merge)).toEqual(['G']);
    expect(await cached(tamper(r, merge, 'release v1.0', 'release v1.0.1'))).toEqual(['B']);
  });

  test('is not applicable to a history without merged tags', async () => {
    const plain = makeRepo();
    plain.commit('one');
    plain.run(['checkout', '-q', '-b', 'side']);
    plain.commit('two');
    plain.run(['checkout', '-q', 'main']);
    plain.commit('three');
    plain.run(['merge', '-q', '--no-ff', '--no-edit', 'side']);
    expect(plain.run(['rev-list', '--merges', 'HEAD'])).not.toBe('');
    expect((await audit(plain, [])).outcome).toBe('not-applicable');
  });
});

describe('a merged tag signed with SSH', () => {
  let key: SshTestKey;
  let r: TestRepo;
  let merge: string;
  let signers: string;
  const sshConfig = () => gitSshVerifyArgs(signers);
  beforeAll(async () => {
    r = makeRepo();
    key = makeSshKey(r.home, 'ed25519', 'alice');
    signers = writeAllowedSigners(join(r.home, 'allowed_signers'), [`alice@example.com ${key.pub}`]);
    merge = mergeSignedTag(r, ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key.path}`], sshConfig());
  });

  test('a good tag signature is G and authorized, as git says', async () => {
    expect(gitMergetagLetter(r, merge, { config: sshConfig() })).toBe('G');
    const row = (await verifyRows(r, ['--allowed-signers', signers])).rows.find((x) => x.commit === merge)!;
    expect(row.mergetags).toEqual([
      expect.objectContaining({ letter: 'G', status: 'authorized', signer: key.fingerprint }),
    ]);
    expect((await audit(r, ['--allowed-signers', signers])).outcome).toBe('pass');
  });

  test('a tampered tag is B, as git says, and fails the audit even with no keys at all', async () => {
    const forged = tamper(r, merge, 'release v1.0', 'release v6.6.6');
    expect(gitMergetagLetter(r, forged, { config: sshConfig() })).toBe('B');
    expect(
      (await verifyRows(r, ['--allowed-signers', signers, forged])).rows
        .find((x) => x.commit === forged)
        ?.mergetags?.map((m) => [m.letter, m.status]),
    ).toEqual([['B', 'bad']]);
    r.run(['update-ref', 'refs/heads/forged', forged]);
    r.run(['symbolic-ref', 'HEAD', 'refs/heads/forged']);
    try {
      expect((await audit(r, ['--allowed-signers', signers])).outcome).toBe('fail');
      const noKeys = await audit(r, []);
      expect(noKeys.outcome).toBe('fail');
      expect(noKeys.findings[0]!.message).toContain('bad signature (B): signature does not verify');
    } finally {
      r.run(['symbolic-ref', 'HEAD', 'refs/heads/main']);
    }
  });

  test('verdicts are the same when verification moves to worker threads (over 64 signatures)', async () => {
    // The pool's path past its threshold, taken here past 4 signatures (GITGUARD_POOL_THRESHOLD)
    // rather than the default 64, so that 6 signed commits do what 66 did.
    expect(poolThreshold({})).toBe(64);
    const threshold = 4;
    const big = makeRepo();
    for (const [k, v] of [
      ['gpg.format', 'ssh'],
      ['user.signingkey', key.path],
      ['commit.gpgSign', 'true'],
    ])
      big.run(['config', k!, v!]);
    commitSeries(
      big,
      Array.from({ length: threshold + 2 }, (_, i) => ({ message: `work ${i}`, signWith: key.path })),
    );
    const m = mergeSignedTag(big, [], ['-c', `gpg.ssh.allowedSignersFile=${signers}`]);
    const forged = tamper(big, m, 'release v1.0', 'release v6.6.6', (payload) => sshSign(key, payload));
    big.run(['update-ref', 'refs/heads/forged', forged]);
    const { rows } = await verifyRows(big, ['--allowed-signers', signers, '--all'], true, {
      GITGUARD_POOL_THRESHOLD: String(threshold),
    });
    expect(rows.length).toBeGreaterThan(threshold);
    expect(rows.every((x) => x.status === 'authorized')).toBe(true);
    const tags = (id: string) => rows.find((x) => x.commit === id)?.mergetags?.map((t) => [t.letter, t.status]);
    expect([tags(m), tags(forged)]).toEqual([[['G', 'authorized']], [['B', 'bad']]]);
  });
});
