// Red-team round 24: a reflog over the 8 MiB gitguard reads of it. The newest entries are at its end
// (git appends), and gitguard read its first 8 MiB: a forced update made after ~65,000 older entries
// (a busy branch, or a reflog padded on purpose) was never seen, while `git reflog show main` lists
// it first. Twin: the same long reflog without the forced update passes.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { readReflog } from '../../src/collect/remote-record.js';

afterAll(() => cleanupTemp());

/** main's reflog: ~9 MiB of b made on a, then a reset back and forth (forced) or one entry more of the same. */
function longReflog(forced: boolean): TestRepo {
  const r = makeRepo();
  const a = r.commit('one');
  const b = r.commit('two');
  const file = join(r.dir, '.git', 'logs', 'refs', 'heads', 'main');
  const line = `${a} ${b} Me <me@example.com> 1700000000 +0000\tcommit: two\n`;
  writeFileSync(file, line.repeat(Math.ceil((9 * 1024 * 1024) / line.length)));
  if (forced) {
    r.run(['reset', '-q', '--hard', a]);
    r.run(['reset', '-q', '--hard', b]);
  } else appendFileSync(file, line);
  return r;
}

async function reflogRule(r: TestRepo): Promise<{ outcome: string; text: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--no-ledger', '-r', 'reflog-no-forced-updates'],
    { env: r.env },
  );
  if (res.code === 2) throw new Error(res.stderr);
  const result = resultOf(parseJson(res), 'reflog-no-forced-updates');
  return { outcome: result.outcome, text: JSON.stringify(result) };
}

test('a forced update after 9 MiB of older entries is reported, as git reflog show lists it', async () => {
  const r = longReflog(true);
  expect(r.run(['reflog', 'show', '-2', '--format=%gs', 'refs/heads/main'])).toMatch(/^reset: moving to /m);
  const got = await reflogRule(r);
  expect(got.outcome).not.toBe('pass');
  expect(got.text).toContain('reset: moving to');
});

test('twin: the same long reflog without a forced update passes', async () => {
  expect((await reflogRule(longReflog(false))).outcome).toBe('pass');
});

test('of a reflog over the limit, the whole lines of its last bytes are read, at a line boundary or inside a line', () => {
  const r = makeRepo();
  const a = r.commit('one');
  const b = r.commit('two');
  const file = join(r.dir, '.git', 'logs', 'refs', 'heads', 'main');
  const lines = [1, 2, 3].map((n) => `${a} ${b} Me <me@x> 170000000${n} +0000\tcommit: ${n}\n`);
  writeFileSync(file, lines.join(''));
  const times = (max: number): number[] => readReflog(file, 'sha1', max).map((e) => e.time);
  expect(times(lines[2]!.length)).toEqual([1700000003]); // the window starts a line
  expect(times(lines[2]!.length + 1)).toEqual([1700000003]); // one byte into the line before
  expect(times(lines[1]!.length + lines[2]!.length)).toEqual([1700000002, 1700000003]);
  expect(times(lines[2]!.length - 1)).toEqual([]); // no whole line
  expect(times(1024)).toEqual([1700000001, 1700000002, 1700000003]);
});
