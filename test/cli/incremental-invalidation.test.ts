// Incremental re-audit (issue 14): anything that could make an old verdict read differently walks
// everything, and a tampered or hostile checkpoint is never trusted (the symlink and FIFO checkpoint
// run the built binary: a hang must be killed).
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { signedCommit } from '../helpers/ssh.js';
import { parseJson, resultOf, runCli, runMain } from '../helpers/cli.js';
import { alice, audit, checkpoint, governed, work, type Report } from '../helpers/incremental.js';

afterAll(cleanupTemp);

describe('incremental re-audit: what walks everything', () => {
  test("an old commit's loose object overwritten with other bytes after the checkpoint: everything is walked, and the forgery fails", async () => {
    const { r } = governed();
    const victim = r.run(['rev-parse', 'HEAD~2']);
    r.run(['checkout', '-q', '--orphan', 'donor']);
    const donor = signedCommit(r, alice(), 'something else', { committerEmail: 'alice@example.com' });
    r.run(['checkout', '-q', '-f', 'main']);
    r.run(['branch', '-q', '-D', 'donor']);
    expect((await audit(r)).report.walk?.incremental).toBe(false);
    expect((await audit(r)).report.walk?.incremental).toBe(true);
    const file = (oid: string): string => join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file(victim), 0o644);
    copyFileSync(file(donor), file(victim));
    const after = await audit(r);
    expect(after.report.walk?.incremental).toBe(false);
    expect(after.report.walk?.reason).toMatch(/loose object that held the judged history was rewritten/);
    expect(resultOf(after.report, 'objects-intact').outcome).toBe('fail');
    expect(resultOf(after.report, 'objects-intact').findings.map((f) => f.commit)).toEqual([victim]);
  });

  test('a changed key file (--allowed-signers) walks everything', async () => {
    const r = makeRepo();
    work(r, 3, 'w');
    const signers = join(r.home, 'allowed_signers');
    writeFileSync(signers, `alice@example.com ${alice().pub}\n`);
    expect((await audit(r, '--allowed-signers', signers)).report.walk?.incremental).toBe(false);
    expect((await audit(r, '--allowed-signers', signers)).report.walk).toMatchObject({ incremental: true, walked: 0 });
    appendFileSync(signers, `bob@example.com ${alice().pub}\n`);
    const after = await audit(r, '--allowed-signers', signers);
    expect(after.report.walk).toMatchObject({ incremental: false, walked: 3 });
    expect(after.report.walk?.reason).toMatch(/options changed/);
  });

  test('a checkpoint altered by anyone without the per-user secret is ignored: everything is walked', async () => {
    const { r } = governed();
    await audit(r);
    const text = readFileSync(checkpoint(r), 'utf8');
    // Claim more commits judged, and no unsigned one: the seal no longer matches.
    writeFileSync(
      checkpoint(r),
      text.replace('"commits":8,', '"commits":80,').replace('\\"count\\":1', '\\"count\\":0'),
    );
    expect(readFileSync(checkpoint(r), 'utf8')).not.toBe(text);
    const after = await audit(r);
    expect(after.report.walk).toMatchObject({ incremental: false, walked: 8 });
    expect(after.report.walk?.reason).toMatch(/does not authenticate/);
    expect(resultOf(after.report, 'commits-signed').findingCount).toBe(1);
    // Another user's secret (another HOME) does not authenticate it either.
    const other = await audit(r);
    expect(other.report.walk?.incremental).toBe(true);
    const res = await runMain(['audit', r.dir, '--format', 'json', '--no-ledger'], {
      env: { ...r.env, XDG_CACHE_HOME: join(r.home, 'another-cache') },
    });
    expect(parseJson<Report>(res).walk?.reason).toMatch(/does not authenticate/);
  });

  test('a sealed checkpoint copied from another repository of the same user is not used', async () => {
    const { r } = governed();
    await audit(r);
    const clone = makeRepo();
    clone.run(['fetch', '-q', r.dir, 'main']);
    clone.run(['reset', '-q', '--hard', 'FETCH_HEAD']);
    mkdirSync(join(clone.dir, '.git', 'gitguard'), { recursive: true });
    writeFileSync(checkpoint(clone), readFileSync(checkpoint(r)));
    // The same user (the same secret), the same commits: only the repository differs.
    const res = await runMain(['audit', clone.dir, '--format', 'json', '--no-ledger'], { env: r.env });
    expect(parseJson<Report>(res).walk).toMatchObject({
      incremental: false,
      walked: 8,
      reason: 'the checkpoint was written for another repository',
    });
  });

  test('--no-cache neither reads nor writes the checkpoint', async () => {
    const { r } = governed();
    await audit(r);
    const before = readFileSync(checkpoint(r));
    const mtime = statSync(checkpoint(r)).mtimeMs;
    work(r, 1, 'more');
    const nc = await audit(r, '--no-cache');
    expect(nc.report.walk).toMatchObject({ incremental: false, walked: 9, fromCheckpoint: 0, reason: '--no-cache' });
    expect(nc.report.scope.commits).toBe(9);
    expect(readFileSync(checkpoint(r)).equals(before)).toBe(true);
    expect(statSync(checkpoint(r)).mtimeMs).toBe(mtime);
  });

  // The FIFO through the built binary (a read that blocked would hang it: the run is killed at a
  // limit); the symlink in this process.
  test('a checkpoint that is a symlink or a FIFO is refused with one line (exit 2), never followed, never read', async () => {
    const { r } = governed();
    const target = join(r.home, 'elsewhere.json');
    writeFileSync(target, 'precious\n');
    mkdirSync(join(r.dir, '.git', 'gitguard'), { recursive: true });
    symlinkSync(target, checkpoint(r));
    const linked = await runMain(['audit', r.dir, '--no-ledger'], { env: r.env });
    expect(linked.code).toBe(2);
    expect(linked.stderr.trim().split('\n')).toHaveLength(1);
    expect(linked.stderr).toContain('checkpoint.json');
    expect(linked.stderr).toContain('--no-cache');
    expect(linked.stderr).not.toContain('precious');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    // --no-cache runs without it.
    expect((await runMain(['audit', r.dir, '--no-ledger', '--no-cache'], { env: r.env })).code).toBe(1);

    rmSync(checkpoint(r));
    execFileSync('mkfifo', [checkpoint(r)]);
    const fifo = runCli(['audit', r.dir, '--no-ledger'], { env: r.env, timeoutMs: 30_000 });
    expect(fifo.code).toBe(2);
    expect(fifo.stderr.trim().split('\n')).toHaveLength(1);
    expect(fifo.stderr).toContain('checkpoint.json');
    expect(statSync(checkpoint(r)).isFIFO()).toBe(true);
  });
});
