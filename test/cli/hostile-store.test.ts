// Red-team round 3: the object store and the shapes of its objects. Each history below is written by
// real git (fast-import, hash-object, commit-tree) and signed by real ssh-keygen; gitguard's answer is
// compared with git's own (%G?, cat-file) and must be an answer: never an internal error, a hang or a
// verdict git does not give.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { hasStackTrace, runMain, stderrLines, type CliResult } from '../helpers/cli.js';
import { runCliBatch, type BatchRun } from '../helpers/cli-batch.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-hostile-store-')), 'ed25519', 'alice');
});
const aliceSigning = madeOnce(() => ({ r: sshSigningRepo(alice) }));
/** A work tree alice signs in (sshSigningRepo), a copy of its own for each caller. */
const aliceRepo = (): TestRepo => aliceSigning().r;

/** `n` unsigned commits, each a child of `from`, made by fast-import; returns their ids. */
function sideCommits(r: TestRepo, from: string, n: number): string[] {
  const stream = Array.from(
    { length: n },
    (_, i) =>
      `commit refs/heads/side\nmark :${i + 1}\ncommitter Alice Example <alice@example.com> 1704067200 +0000\ndata ${`side ${i}\n`.length}\nside ${i}\nfrom ${from}\n\n`,
  ).join('');
  const marks = join(r.home, 'marks');
  r.run(['fast-import', '--quiet', '--force', `--export-marks=${marks}`], { input: stream });
  r.run(['update-ref', '-d', 'refs/heads/side']);
  return readFileSync(marks, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[1]!);
}

describe('an octopus merge with more parents than git diff-tree reads in one line', () => {
  // diff-tree --stdin reads its input in 1000-byte pieces: a "<commit> <parents...>" line of 25+
  // parents was cut, its tail echoed back as a commit header gitguard could not parse (before: exit 2,
  // "internal error: unexpected git diff-tree header").
  test('verify and audit judge it as git does: its own signature is good, its unsigned parents are not', async () => {
    const r = aliceRepo();
    const base = r.head();
    const parents = sideCommits(r, base, 40);
    const tree = r.run(['rev-parse', `${base}^{tree}`]);
    const merge = r.run(['commit-tree', tree, '-S', ...parents.flatMap((p) => ['-p', p]), '-m', 'octopus'], {
      env: { GIT_COMMITTER_DATE: '2024-01-02T00:00:00Z', GIT_AUTHOR_DATE: '2024-01-02T00:00:00Z' },
    });
    r.run(['update-ref', 'refs/heads/main', merge]);
    expect(r.run(['cat-file', '-p', merge]).match(/^parent /gm)).toHaveLength(40);
    expect(
      r.run([
        '-c',
        `gpg.ssh.allowedSignersFile=${join(r.dir, '.gitguard/allowed_signers')}`,
        'log',
        '-1',
        '--format=%G?',
        merge,
      ]),
    ).toBe('G');

    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    expect(hasStackTrace(res)).toBe(false);
    expect(stderrLines(res)).toEqual([]);
    expect(res.code).toBe(1); // the 40 unsigned parents
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string; status: string }> })
      .commits;
    expect(rows).toHaveLength(42);
    expect(rows.find((x) => x.commit === merge)).toMatchObject({ letter: 'G', status: 'authorized' });
    expect(rows.filter((x) => x.status === 'unsigned').map((x) => x.commit)).toEqual(expect.arrayContaining(parents));

    const audit = await runMain(['audit', r.dir, '--no-cache', '--no-ledger', '-t', 'impersonation'], { env: r.env });
    expect(audit.code).toBe(1);
    expect(audit.stderr).toBe('');
    expect(audit.stdout).toMatch(/40 of 42 commits have no signature/);
  });
});

describe('files git opens in the object store, checked before git opens them', () => {
  // Before: git blocked on each FIFO below until the watchdog stopped it (minutes by default), and
  // alternates -> /dev/zero made git read and allocate without end (over 4 GB in 8 s, then out of
  // memory). A regression is bounded here by GITGUARD_TIMEOUT and shows as the watchdog's message.
  const LIMIT = 60_000;
  const env = (r: TestRepo): NodeJS.ProcessEnv => ({ ...r.env, GITGUARD_TIMEOUT: '5' });

  function expectRefusedAtOnce(res: CliResult, file: string): void {
    expect(res.code).toBe(2);
    expect(hasStackTrace(res)).toBe(false);
    expect(stderrLines(res)).toEqual([
      `gitguard: ${file} is not a regular file (a FIFO, device or socket): git would block on it or read it without end; git opens it whenever it reads the repository: remove it or replace it with a regular file`,
    ]);
  }

  // Every run below is made up front, all in one node process of the built binary (runCliBatch) with
  // a hard time limit; each test then judges its own runs.
  const planned: Array<[string, BatchRun, string]> = [];
  /** A run to make, named, and the FIFO it must be refused for. */
  const plan = (name: string, r: TestRepo, args: string[], fifo: string): number =>
    planned.push([name, { args, env: env(r) }, fifo]);
  let results = new Map<string, { res: CliResult; fifo: string }>();
  const expectRefused = (name: string): void => {
    const { res, fifo } = results.get(name)!;
    expectRefusedAtOnce(res, fifo);
  };
  const HEADS = ['config', 'HEAD', 'packed-refs', 'refs/heads/topic'];

  beforeAll(() => {
    {
      const r = aliceRepo();
      const other = makeRepo();
      other.commit('other');
      writeFileSync(join(r.dir, '.git/objects/info/alternates'), `${join(other.dir, '.git/objects')}\n`);
      const fifo = join(other.dir, '.git/objects/info/alternates');
      execFileSync('mkfifo', [fifo]);
      plan('alternates verify', r, ['verify', '-C', r.dir, '--no-cache'], fifo);
      plan('alternates audit', r, ['audit', r.dir, '--no-cache'], fifo);
    }
    {
      const r = aliceRepo();
      r.run(['repack', '-qad']);
      // git opens the index of every pack whose .pack is a regular file, looking for an object.
      const pack = join(r.dir, '.git/objects/pack', `pack-${'0'.repeat(40)}`);
      writeFileSync(`${pack}.pack`, '');
      const fifo = `${pack}.idx`;
      execFileSync('mkfifo', [fifo]);
      plan('pack index', r, ['verify', '-C', r.dir, '--no-cache'], fifo);
    }
    {
      const r = aliceRepo();
      r.commit('work', { 'notes.txt': 'notes\n' });
      const blob = r.run(['rev-parse', 'HEAD:notes.txt']);
      const fifo = join(r.dir, '.git/objects', blob.slice(0, 2), blob.slice(2));
      rmSync(fifo, { force: true });
      execFileSync('mkfifo', [fifo]);
      plan('loose object', r, ['audit', r.dir, '--no-cache'], fifo);
    }
    for (const rel of HEADS) {
      const r = aliceRepo();
      const fifo = join(r.dir, '.git', rel);
      rmSync(fifo, { force: true });
      execFileSync('mkfifo', [fifo]);
      plan(rel, r, ['verify', '-C', r.dir, '--no-cache'], fifo);
    }
    {
      const r = aliceRepo();
      const fifo = join(r.dir, '.git', 'trap');
      execFileSync('mkfifo', [fifo]);
      mkdirSync(join(r.dir, '.git', 'sub'));
      // Written as text: git config itself would block on the FIFO once it is included.
      appendFileSync(join(r.dir, '.git', 'config'), '[includeIf "onbranch:main"]\n\tpath = "sub/../trap"\n');
      plan('include', r, ['verify', '-C', r.dir, '--no-cache'], fifo);
    }
    const out = runCliBatch(
      planned.map(([, run]) => run),
      { timeoutMs: LIMIT },
    );
    results = new Map(planned.map(([name, , fifo], i) => [name, { res: out[i]!, fifo }]));
  }, 2 * LIMIT);

  test("an alternate's own alternates file is a FIFO (two stores deep): refused, naming it", () => {
    expectRefused('alternates verify');
    expectRefused('alternates audit');
  });

  test('a FIFO as the index of a pack in objects/pack: refused, naming it', () => {
    expectRefused('pack index');
  });

  test('a FIFO as a loose object (a file of the tree): audit refused, naming it (before: the audit never ended)', () => {
    expectRefused('loose object');
  });

  // Before: git blocked on each until its time limit (30 to 60 s), and the run ended on "did not
  // finish ... on a very large repository set GITGUARD_TIMEOUT".
  test.each(HEADS)('a FIFO at .git/%s, which git opens before it answers anything: refused, naming it', (rel) => {
    expectRefused(rel);
  });

  test("a FIFO the repository's config includes (a relative, quoted includeIf path): refused, naming it", () => {
    expectRefused('include');
  });

  test('honest alternates (git clone --shared, a relative and a C-quoted line) still verify', async () => {
    const r = aliceRepo();
    r.commit('work');
    const clone = join(tempDir(), 'shared "clone"');
    execFileSync('git', ['clone', '-q', '--shared', r.dir, clone], { env: r.env });
    const res = await runMain(['verify', '-C', clone, '--no-cache'], { env: r.env });
    expect([res.code, res.stderr]).toEqual([0, '']);
    expect(res.stdout.trim().split('\n')).toHaveLength(2);
    // objects/info/alternates as a relative line, then C-quoted (git unquotes a line starting with ").
    const objects = relative(join(clone, '.git/objects'), join(r.dir, '.git/objects'));
    for (const line of [objects, `"${objects.replace(/"/g, '\\"')}"`]) {
      writeFileSync(join(clone, '.git/objects/info/alternates'), `# borrowed\n${line}\n`);
      const again = await runMain(['verify', '-C', clone, '--no-cache'], { env: r.env });
      expect([again.code, again.stderr]).toEqual([0, '']);
    }
  });
});

describe('a repository path holding a line break or control bytes', () => {
  // git rev-parse prints each path on a line: "/tmp/x\n/tmp/evil" read as two answers (before: exit 2,
  // 'unsupported object format "false"'), and the shadow's alternates would have split it in two.
  test('a line break, directly or behind a link: refused in one line that says so, escaped', async () => {
    const r = aliceRepo();
    const parent = tempDir();
    const odd = join(parent, 'repo\n/tmp/elsewhere');
    mkdirSync(odd, { recursive: true });
    renameSync(join(r.dir, '.git'), join(odd, '.git'));
    symlinkSync(odd, join(parent, 'link'));
    for (const dir of [odd, join(parent, 'link')]) {
      const res = await runMain(['verify', '-C', dir, '--no-cache'], { env: r.env });
      expect(res.code).toBe(2);
      expect(stderrLines(res)).toHaveLength(1);
      expect(res.stderr).toMatch(/repo\\x0a\/tmp\/elsewhere.* contains a line break, which git's answers cannot carry/);
    }
  });

  test('an escape sequence in the path: verified as usual, printed escaped', async () => {
    const r = aliceRepo();
    const odd = join(tempDir(), 'repo\x1b[31m\x07');
    renameSync(r.dir, odd);
    const res = await runMain(['audit', odd, '--no-cache', '--no-ledger', '-t', 'impersonation'], { env: r.env });
    expect([res.code, res.stderr]).toEqual([0, '']);
    const json = await runMain(['audit', odd, '--no-cache', '--no-ledger', '-f', 'json', '-r', 'commits-signed'], {
      env: r.env,
    });
    expect((JSON.parse(json.stdout) as { repository: { path: string } }).repository.path).toBe(odd);
    const bad = await runMain(['audit', `${odd}-missing`], { env: r.env });
    expect(bad.stderr).toContain('repo\\x1b[31m\\x07-missing');
    expect(bad.stderr).not.toContain('\x1b');
  });
});

describe('a partial clone (git clone --filter=blob:none) missing an older policy file', () => {
  // Before: the missing blob read as "allowed_signers is not a file": every commit it judged was
  // "not authorized ... fix it in a new commit" and a policy change (exit 1), a false failure with
  // a wrong next step. gitguard never fetches (GIT_NO_LAZY_FETCH, no protocol allowed, a shadow
  // git dir without the promisor remote): the audit cannot be done, and says what to fetch.
  test('exit 2 naming the object, no fetch attempted (a hostile promisor URL runs nothing); fetched, it verifies', async () => {
    const r = aliceRepo();
    r.run(['config', 'uploadpack.allowFilter', 'true']);
    r.commit('signers v2', { '.gitguard/allowed_signers': `# the team\nalice@example.com ${alice.pub}\n` });
    r.commit('work');
    const clone = join(tempDir(), 'partial');
    execFileSync('git', ['clone', '-q', '--no-local', '--filter=blob:none', `file://${r.dir}`, clone], {
      env: r.env,
    });
    const missing = execFileSync('git', ['-C', clone, 'rev-list', '--objects', '--all', '--missing=print'], {
      env: r.env,
    })
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('?'))
      .map((l) => l.slice(1));
    expect(missing).toHaveLength(1); // the first allowed_signers
    const marker = join(tempDir(), 'fetched');
    const git = (args: string[]): string => execFileSync('git', ['-C', clone, ...args], { env: r.env }).toString();
    git(['config', 'remote.origin.url', `ext::sh -c touch% ${marker}`]);
    git(['config', 'protocol.ext.allow', 'always']);
    git(['config', 'core.sshCommand', `touch ${marker}`]);

    for (const args of [
      ['verify', '-C', clone, '--no-cache'],
      ['audit', clone, '--no-cache', '--no-ledger'],
    ]) {
      const res = await runMain(args, { env: r.env });
      expect(res.code).toBe(2);
      const lines = stderrLines(res);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        `.gitguard/allowed_signers at ${r.run(['rev-list', '--max-parents=0', 'HEAD']).slice(0, 12)} (object ${missing[0]!.slice(0, 12)}) is not in this repository: a partial clone (git clone --filter) leaves older files out; gitguard does not fetch`,
      );
    }
    expect(existsSync(marker)).toBe(false);

    git(['config', 'remote.origin.url', `file://${r.dir}`]);
    git(['cat-file', '-e', missing[0]!]); // fetches that one object (the message's next step fetches them all)
    const res = await runMain(['verify', '-C', clone, '--no-cache'], { env: r.env });
    expect([res.code, res.stderr]).toEqual([0, '']);
  });
});

describe("replace refs switched back on by the repository's own core.useReplaceRefs = true", () => {
  // git reads GIT_NO_REPLACE_OBJECTS first and its config after it, so the repository's setting won
  // wherever gitguard asked git about the repository itself (revisions, ranges, peeled tags).
  // Before: `verify HEAD~1..HEAD` resolved HEAD~1 through a replacement of mallory's commit whose
  // parent is that commit itself: the range was empty, "no commits in scope", exit 0.
  test("verify HEAD~1..HEAD judges mallory's commit, as it is", async () => {
    const r = aliceRepo();
    const dir = mkdtempSync(join(tmpdir(), 'gg-hostile-store-'));
    const mallory = makeSshKey(dir, 'ed25519', 'mallory');
    r.run(['-c', `user.signingkey=${mallory.path}`, 'commit', '-q', '--allow-empty', '-m', 'mallory']);
    const m = r.head();
    const cover = r.run(['-c', 'commit.gpgSign=false', 'commit-tree', '-p', m, '-m', 'cover', `${m}^{tree}`]);
    r.run(['replace', m, cover]);
    r.run(['config', 'core.useReplaceRefs', 'true']);
    expect(r.run(['rev-parse', 'HEAD~1'])).toBe(m); // what git itself now answers
    const res = await runMain(['verify', 'HEAD~1..HEAD', '-C', r.dir, '--no-cache'], { env: r.env });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(new RegExp(`^${m} U \\S+ unknown-signer:`));
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
  });
});
