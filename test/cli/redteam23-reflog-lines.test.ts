// Red-team round 23: reflog lines read as git reads them (refs/files-backend.c show_one_reflog_ent):
// the ident ends at the first '>', the time follows it. A commit subject git copies into a reflog
// message (`commit (amend): <subject>`, `cherry-pick: <subject>`, `am: <subject>`) that ends in
// " <digits> +0000" was read as the entry's time, so an amend made while the remotes' record was not
// whole was dated after it and excused by reflog-no-forced-updates.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir, makeRepo } from '../helpers/repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';
import { readReflog } from '../../src/collect/remote-record.js';

afterAll(() => cleanupTemp());

const EARLY = { GIT_COMMITTER_DATE: '2030-01-01T00:00:00Z' };
const AMENDED = { GIT_COMMITTER_DATE: '2030-06-01T00:00:00Z' };
const LATER = { GIT_COMMITTER_DATE: '2035-01-01T00:00:00Z' };

/**
 * A clone whose origin/main got its first reflog entry from a fetch in 2035, not from its creation
 * (the remotes' record is whole from then on only), and a local commit amended in 2030 (before it) that was
 * never in a remote-tracking ref: nothing tells it was not pushed, so the amend counts.
 */
async function amendedBeforeTheRecord(subject: string): Promise<string> {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const upstream = join(tempDir(), 'origin.git');
  r.run(['clone', '-q', '--bare', r.dir, upstream]);
  const dir = join(tempDir(), 'clone');
  r.run(['clone', '-q', upstream, dir]);
  const git = (args: string[], env: Record<string, string> = {}): string =>
    execFileSync('git', args, { cwd: dir, env: { ...r.env, ...env }, encoding: 'utf8' }).trim();
  git(['commit', '-q', '--allow-empty', '-m', subject], EARLY);
  git(['commit', '-q', '--amend', '--allow-empty', '--no-edit'], AMENDED);
  r.run(['commit', '-q', '--allow-empty', '-m', 'upstream moves']);
  execFileSync('git', ['push', '-q', upstream, 'HEAD:refs/heads/main'], { cwd: r.dir, env: r.env });
  git(['fetch', '-q', 'origin'], LATER);
  const res = await runMain(
    ['audit', '-C', dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', 'reflog-no-forced-updates'],
    { env: r.env },
  );
  if (res.code === 2) throw new Error(res.stderr);
  return resultOf(parseJson(res), 'reflog-no-forced-updates').outcome;
}

test('an amend whose subject ends in " <time> +0000" counts as the same amend under a plain subject', async () => {
  const plain = await amendedBeforeTheRecord('wip');
  expect(plain).not.toBe('pass');
  expect(await amendedBeforeTheRecord('wip 4102444800 +0000')).toBe(plain);
});

test('readReflog reads the lines git reads, as git reads them (git reflog show on the same file)', () => {
  const r = makeRepo();
  const a = r.commit('one');
  const b = r.commit('two');
  r.run(['branch', 'x']);
  const file = join(r.dir, '.git', 'logs', 'refs', 'heads', 'x');
  writeFileSync(
    file,
    [
      `${a} ${b} Me <me@x> 1700000000 +0000\tcommit (amend): wip 4102444800 +0000\n`,
      // git skips a time of 0 and an entry with no '>' before its time
      `${b} ${a} Me <me@x> 0 +0000\tcommit: zero\n`,
      `${b} ${a} Me me@x 1700000001 +0000\tcommit: no email end\n`,
      // git reads the message after the zone with or without its tab, and a time after spaces
      `${b} ${a} Me <me@x> 1700000002 +0100message\n`,
      `${a} ${b} Me <me@x>  1700000004 +0000\tspaces\n`,
      // a last line without its newline (a write cut short) is not read
      `${a} ${b} Me <me@x> 1700000003 +0000\tcut short`,
    ].join(''),
  );
  const ours = readReflog(file, 'sha1').map((e) => `${e.time}|${e.message}`);
  const gits = r
    .run(['reflog', 'show', '--format=%gd|%gs', '--date=unix', 'refs/heads/x'])
    .split('\n')
    .map((l) => l.replace(/^x@\{(\d+)\}/, '$1'))
    .reverse();
  expect(ours).toEqual(gits);
  expect(ours).toEqual(['1700000000|commit (amend): wip 4102444800 +0000', '1700000002|message', '1700000004|spaces']);
});
