// The streaming reader against real repositories made by real git.
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { createShadow, getGitBinary } from '../../src/collect/git.js';
import { inRun } from '../../src/collect/run-context.js';
import { walkCommits } from '../../src/collect/commits.js';
import { parseCommitObject } from '../../src/collect/commit-object.js';
import type { CommitRecord } from '../../src/domain/commit.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

async function walk(r: TestRepo, revisions: string[], parentsFirst = true): Promise<CommitRecord[]> {
  const info = await discoverRepository(r.dir);
  const shadow = createShadow(info.commonDir, info.objectFormat);
  try {
    const out: CommitRecord[] = [];
    for await (const c of walkCommits(shadow, { revisions, parentsFirst })) out.push(c);
    return out;
  } finally {
    shadow.dispose();
  }
}

describe('identities are split the way git splits them', () => {
  // git takes the e-mail between the first "<" and the first ">" after it, and the date after the
  // last ">". The e-mail judged against the signer must be the one git shows (%ae/%ce).
  const odd = [
    'Alice <alice@example.com> <mallory@example.com> 1700000000 +0000',
    'Bob   <bob@example.com>   1700000100   +0100',
    '<anon@example.com> 1700000200 -0230',
    'Carol <carol@example.com> 1700000300 +00000',
  ];
  test.each(odd)('%s', (ident) => {
    const r = makeRepo();
    const tree = r.run(['write-tree']);
    const body = `tree ${tree}\nauthor ${ident}\ncommitter ${ident}\n\nodd identity\n`;
    const file = join(r.home, 'commit.txt');
    writeFileSync(file, body);
    const oid = r.run(['hash-object', '-t', 'commit', '--literally', '-w', file]);
    const [an, ae, at, cn, ce, ct] = r
      .run(['log', '-1', '--no-mailmap', '--format=%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct', oid])
      .split('\0');
    const c = parseCommitObject(oid, Buffer.from(body));
    expect([c.author.name, c.author.email, String(c.author.time)]).toEqual([an, ae, at]);
    expect([c.committer.name, c.committer.email, String(c.committer.time)]).toEqual([cn, ce, ct]);
    // git's other readers (for-each-ref) split all but the plain shape differently: those are refused.
    expect(c.malformed === undefined).toBe(ident.startsWith('<anon'));
  });
});

describe('walkCommits', () => {
  test("tells the walk's size before its first commit (the progress line's time left)", async () => {
    const r = makeRepo();
    const ids = [r.commit('one'), r.commit('two'), r.commit('three')];
    const info = await discoverRepository(r.dir);
    const shadow = createShadow(info.commonDir, info.objectFormat);
    const seen: string[] = [];
    try {
      for await (const c of walkCommits(shadow, {
        revisions: [ids[2]!, `^${ids[0]}`],
        parentsFirst: true,
        onTotal: (n) => seen.push(`total ${n}`),
      }))
        seen.push(c.oid);
    } finally {
      shadow.dispose();
    }
    expect(seen).toEqual(['total 2', ids[1], ids[2]]);
  });

  test('reads every commit of a SHA-1 repository, parents first, with parsed identities', async () => {
    const r = makeRepo();
    const ids = [r.commit('one'), r.commit('two'), r.commit('three\n\nbody text')];
    const commits = await walk(r, [ids[2]!]);
    expect(commits.map((c) => c.oid)).toEqual(ids);
    expect(commits[2]!.parents).toEqual([ids[1]]);
    expect(commits[2]!.subject).toBe('three');
    expect(commits[2]!.message).toBe('three\n\nbody text\n');
    expect(commits[0]!.committer).toMatchObject({ name: 'Alice Example', email: 'alice@example.com', tz: '+0000' });
    expect(commits.every((c) => c.hashOk)).toBe(true);
  });

  test('reads a SHA-256 repository and checks its 64-hex object ids', async () => {
    const r = makeRepo({ objectFormat: 'sha256' });
    const a = r.commit('one');
    const b = r.commit('two');
    expect(b).toHaveLength(64);
    const commits = await walk(r, [b]);
    expect(commits.map((c) => c.oid)).toEqual([a, b]);
    expect(commits.every((c) => c.hashOk)).toBe(true);
  });

  test('excludes commits named with ^', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const b = r.commit('two');
    const c = r.commit('three');
    expect((await walk(r, [c, `^${a}`])).map((x) => x.oid)).toEqual([b, c]);
  });

  test('yields nothing for no revisions (an empty repository)', async () => {
    const r = makeRepo();
    expect(await walk(r, [])).toEqual([]);
  });

  test('stops cleanly when the consumer breaks early', async () => {
    const r = makeRepo();
    for (let i = 0; i < 5; i += 1) r.commit(`c${i}`);
    const info = await discoverRepository(r.dir);
    const shadow = createShadow(info.commonDir, info.objectFormat);
    let seen = 0;
    for await (const _ of walkCommits(shadow, { revisions: [r.head()] })) {
      seen += 1;
      if (seen === 2) break;
    }
    shadow.dispose();
    expect(seen).toBe(2);
  });

  test('fails with a GitError when a commit object is missing', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const b = r.commit('two');
    rmSync(join(r.dir, '.git', 'objects', a.slice(0, 2), a.slice(2)));
    await expect(walk(r, [b])).rejects.toThrow(/git (rev-list|cat-file)/);
  });

  test('marks a loose object whose bytes do not hash to its name', async () => {
    const r = makeRepo();
    r.commit('one');
    const b = r.commit('two');
    const raw = r.run(['cat-file', 'commit', b]);
    const forged = Buffer.from(raw.replace('two', 'TWO') + '\n');
    const path = join(r.dir, '.git', 'objects', b.slice(0, 2), b.slice(2));
    rmSync(path, { force: true });
    writeFileSync(path, deflateSync(Buffer.concat([Buffer.from(`commit ${forged.length}\0`), forged])));
    const commits = await walk(r, [b]);
    const last = commits[commits.length - 1]!;
    expect(last.subject).toBe('TWO');
    expect(last.hashOk).toBe(false);
  });

  test('walks the commits of a worktree and of a bare clone', async () => {
    const r = makeRepo();
    const a = r.commit('one');
    const wt = join(r.home, 'wt');
    r.run(['worktree', 'add', '-q', '-b', 'side', wt]);
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'on side'], { cwd: wt, env: r.env });
    const info = await discoverRepository(wt);
    expect(info.gitDir).toContain(join('.git', 'worktrees'));
    expect(info.commonDir).toBe(join(r.dir, '.git'));
    const bare = join(r.home, 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', r.dir, bare], { env: r.env });
    const binfo = await discoverRepository(bare);
    expect(binfo.bare).toBe(true);
    const shadow = createShadow(binfo.commonDir, binfo.objectFormat);
    const got: string[] = [];
    for await (const c of walkCommits(shadow, { revisions: [a] })) got.push(c.oid);
    shadow.dispose();
    expect(got).toEqual([a]);
  });
});

describe('parseCommitObject', () => {
  test('separates an SSH signature from the payload that ssh-keygen verifies', async () => {
    const r = makeRepo();
    const key = join(r.home, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', key]);
    r.run(['config', 'gpg.format', 'ssh']);
    r.run(['config', 'user.signingkey', `${key}.pub`]);
    r.commit('signed one');
    const b = r.commit('signed two', { 'b.txt': 'b' }, ['-S']);
    const [, c] = await walk(r, [b]);
    expect(c!.signatures).toHaveLength(1);
    expect(c!.signatures[0]!.header).toBe('gpgsig');
    expect(c!.signatures[0]!.armored).toMatch(/^-----BEGIN SSH SIGNATURE-----\n[\s\S]*-----END SSH SIGNATURE-----\n$/);
    expect(c!.payload.toString()).not.toContain('gpgsig');
    expect(c!.payload.toString()).toContain('\n\nsigned two\n');
    // The real proof: OpenSSH accepts our payload/signature split.
    const sig = join(r.home, 'sig');
    writeFileSync(sig, c!.signatures[0]!.armored);
    execFileSync('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'git', '-s', sig], { input: c!.payload });
  });

  test('parses continuation lines, mergetag and encoding headers', () => {
    const body = Buffer.from(
      'tree ' +
        'e'.repeat(40) +
        '\nparent ' +
        'a'.repeat(40) +
        '\nparent ' +
        'b'.repeat(40) +
        '\nauthor A U Thor <a@x> 1700000000 +0200\ncommitter C O Mitter <c@x> 1700000001 -0500\nencoding ISO-8859-1\n' +
        'mergetag object ' +
        'b'.repeat(40) +
        '\n type commit\n tag v1\n \n -----BEGIN PGP SIGNATURE-----\n abc\n -----END PGP SIGNATURE-----\n' +
        'gpgsig -----BEGIN PGP SIGNATURE-----\n \n xyz\n -----END PGP SIGNATURE-----\n\nMerge tag v1\n',
    );
    const c = parseCommitObject('0'.repeat(40), body);
    expect(c.malformed).toBeUndefined();
    expect(c.parents).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
    expect(c.author).toEqual({ name: 'A U Thor', email: 'a@x', time: 1700000000, tz: '+0200' });
    expect(c.committer.tz).toBe('-0500');
    expect(c.encoding).toBe('ISO-8859-1');
    expect(c.mergetags[0]).toContain('tag v1\n\n-----BEGIN PGP SIGNATURE-----');
    expect(c.signatures[0]!.armored).toBe('-----BEGIN PGP SIGNATURE-----\n\nxyz\n-----END PGP SIGNATURE-----\n');
    expect(c.payload.toString()).not.toContain('gpgsig');
    expect(c.payload.toString()).toContain('mergetag object');
    expect(c.payload.toString().endsWith('-----END PGP SIGNATURE-----\n\nMerge tag v1\n')).toBe(true);
    expect(c.hashOk).toBe(false);
  });
});

describe('shadow git dir', () => {
  test('reads a shallow clone up to its boundary without failing', async () => {
    const r = makeRepo();
    for (let i = 0; i < 4; i += 1) r.commit(`c${i}`);
    const clone = join(r.home, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '2', `file://${r.dir}`, clone], { env: r.env });
    const info = await discoverRepository(clone);
    expect(info.shallow).toBe(true);
    const shadow = createShadow(info.commonDir, info.objectFormat);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, env: r.env }).toString().trim();
    const got: string[] = [];
    for await (const c of walkCommits(shadow, { revisions: [head] })) got.push(c.oid);
    shadow.dispose();
    expect(got).toHaveLength(2);
  });

  test('leaves nothing of itself behind after dispose', () => {
    const r = makeRepo();
    r.commit('x');
    const shadow = createShadow(join(r.dir, '.git'), 'sha1');
    expect(readFileSync(join(shadow.gitDir, 'objects/info/alternates'), 'utf8')).toBe(
      `${join(r.dir, '.git', 'objects')}\n`,
    );
    shadow.dispose();
    expect(() => readFileSync(join(shadow.gitDir, 'config'))).toThrow();
    mkdirSync(join(r.home, 'unused'));
  });
});

/** Each commit's ids at `paths`: its first parent's (walked before it) with its pathChanges applied. */
function pathOids(commits: CommitRecord[], paths: string[]): Map<string, Record<string, string | null>> {
  const out = new Map<string, Record<string, string | null>>();
  for (const c of commits) {
    const base = c.pathChanges!.base === null ? {} : out.get(c.pathChanges!.base)!;
    out.set(
      c.oid,
      Object.fromEntries(
        paths.map((p) => [
          p,
          Object.hasOwn(c.pathChanges!.changed, p) ? c.pathChanges!.changed[p]! : (base[p] ?? null),
        ]),
      ),
    );
  }
  return out;
}

describe('path lookups in the same pass', () => {
  test('gives each commit the tree id of a watched path, or null where it is absent', async () => {
    const r = makeRepo();
    const a = r.commit('no policy yet');
    const b = r.commit('add policy', { '.gitguard/policy.yml': 'version: 1\n' });
    const c = r.commit('unrelated');
    const d = r.commit('change policy', { '.gitguard/policy.yml': 'version: 1\nidentity: author\n' });
    const info = await discoverRepository(r.dir);
    const shadow = createShadow(info.commonDir, info.objectFormat);
    const walked: CommitRecord[] = [];
    for await (const x of walkCommits(shadow, {
      revisions: [d],
      parentsFirst: true,
      paths: ['.gitguard', 'missing/dir'],
    }))
      walked.push(x);
    shadow.dispose();
    const states = pathOids(walked, ['.gitguard', 'missing/dir']);
    const got = walked.map((x) => [x.oid, states.get(x.oid)!['.gitguard']]);
    for (const x of walked) expect(states.get(x.oid)!['missing/dir']).toBeNull();
    // The walk keeps each watched path's entry, mode and id (a folder is 040000), as ls-tree lists it.
    const tree = (rev: string) => `040000 ${r.run(['rev-parse', `${rev}:.gitguard`])}`;
    expect(got).toEqual([
      [a, null],
      [b, tree(b)],
      [c, tree(b)],
      [d, tree(d)],
    ]);
    expect(tree(d)).not.toBe(tree(b));
  });

  test('walks the same through a pipe (big histories) and with a git that predates rev-list --no-commit-header and cat-file --batch-command (the walk needs neither)', async () => {
    const r = makeRepo();
    const a = r.commit('no policy yet');
    const b = r.commit('add policy', { '.gitguard/policy.yml': 'version: 1\n', 'ci config/x': 'x\n' });
    // A stand-in for git < 2.36: the real git, except that it refuses the two newer options the
    // way git does (usage error, exit 129).
    const old = join(r.home, 'old-git');
    const log = join(r.home, 'old-git.log');
    writeFileSync(
      old,
      `#!/bin/sh\necho "$*" >> '${log}'\nfor a in "$@"; do case "$a" in --no-commit-header|--batch-command) echo "error: unknown option \\\`\${a#--}'" >&2; exit 129;; esac; done\nexec ${getGitBinary() === 'git' ? execFileSync('sh', ['-c', 'command -v git']).toString().trim() : getGitBinary()} "$@"\n`,
    );
    chmodSync(old, 0o755);
    const info = await discoverRepository(r.dir);
    const walkWith = async (
      extra: { answersFileLimit?: number } = {},
    ): Promise<Array<[string, string | null | undefined, string | null | undefined]>> => {
      const shadow = createShadow(info.commonDir, info.objectFormat);
      const walked: CommitRecord[] = [];
      for await (const x of walkCommits(shadow, {
        revisions: [b],
        parentsFirst: true,
        paths: ['.gitguard', 'ci config'],
        ...extra,
      }))
        walked.push(x);
      shadow.dispose();
      const states = pathOids(walked, ['.gitguard', 'ci config']);
      return walked.map((x) => [x.oid, states.get(x.oid)!['.gitguard'], states.get(x.oid)!['ci config']]);
    };
    const modern = await walkWith();
    expect(await walkWith({ answersFileLimit: 0 })).toEqual(modern); // a big history's answers come through a pipe
    expect(await inRun({ gitBinary: old }, () => walkWith())).toEqual(modern);
    // The walk needs neither option: a git before 2.36 ran it all, and was asked for them never.
    expect(readFileSync(log, 'utf8')).toMatch(/cat-file --batch=/);
    expect(readFileSync(log, 'utf8')).not.toMatch(/--no-commit-header|--batch-command/);
    expect(modern).toEqual([
      [a, null, null],
      [b, `040000 ${r.run(['rev-parse', `${b}:.gitguard`])}`, `040000 ${r.run(['rev-parse', `${b}:ci config`])}`],
    ]);
  });

  test('looks up watched paths whose names contain spaces, present or absent', async () => {
    const r = makeRepo();
    const a = r.commit('no such folder');
    const b = r.commit('add it', { 'ci config/run.yml': 'steps: []\n' });
    const info = await discoverRepository(r.dir);
    const shadow = createShadow(info.commonDir, info.objectFormat);
    const walked: CommitRecord[] = [];
    for await (const x of walkCommits(shadow, {
      revisions: [b],
      parentsFirst: true,
      paths: ['ci config', 'not here/at all'],
    }))
      walked.push(x);
    shadow.dispose();
    const states = pathOids(walked, ['ci config', 'not here/at all']);
    const got = walked.map((x) => [x.oid, states.get(x.oid)!['ci config'], states.get(x.oid)!['not here/at all']]);
    expect(got).toEqual([
      [a, null, null],
      [b, `040000 ${r.run(['rev-parse', `${b}:ci config`])}`, null],
    ]);
  });
});
