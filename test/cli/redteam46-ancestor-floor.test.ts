// Red team 46: the floor of a signing time (round 26) was the latest committer date of a commit's
// DIRECT parents. Alice retires Bob at midnight R in a commit G of 02:00; she then rebases her work of
// three days before onto G with --committer-date-is-author-date (an honest rebase, her key valid), so
// her P on G is dated R - 3 days; Bob, retired, signs C on P dated 23:00 the day before R. C's floor
// was P's date: signers-not-retired passed, git says G. A commit is made after every ancestor, so the
// floor is now the latest committer date among ALL its ancestors (kept per walked commit, in the
// checkpoint for the tips, read from git for a commit outside the walk: --base, a resumed run), and a
// tag's floor that of the commit it names. A date after the run's clock is no evidence: a machine
// whose clock was ahead does not void every later signature of a key that expired after it signed.
// Twins: the rebase itself passes; a future-dated commit, then signatures by keys that retire or
// expire later than they were made, pass.
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { configureSshSigning, gitLetter, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';
import { DAY, HOUR, POLICY, R, SIGNERS, alice, as, bob, carol, commitAt, iso } from '../helpers/retirement.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

/** Alice's honest rebase of `branch` onto HEAD, each commit dated as authored (git rebase --committer-date-is-author-date -S). */
function aliceRebases(r: TestRepo, onto: string, branch: string): string {
  r.run(['checkout', '-q', branch]);
  r.run(['-c', `user.signingkey=${alice.path}`, 'rebase', '-q', '-S', '--committer-date-is-author-date', onto], {
    env: { ...as('alice'), GIT_AUTHOR_DATE: '', GIT_COMMITTER_DATE: '' },
  });
  return r.head();
}

const RULES = ['signers-not-retired', 'signers-authorized', 'tags-signed'];

async function audit(r: TestRepo, extra: string[] = ['--no-cache']): Promise<Record<string, string | number>> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULES.join(','), ...extra],
    { env: r.env },
  );
  const report = parseJson(res);
  const out: Record<string, string | number> = { code: res.code };
  for (const id of RULES) out[id] = resultOf(report, id).outcome;
  if ((report as { walk?: { incremental?: boolean } }).walk?.incremental) out.incremental = 'yes';
  return out;
}

const PASS = { 'signers-not-retired': 'pass', 'signers-authorized': 'pass' };

describe('Bob retired at R by G (02:00); Alice rebases her work of R - 3 days onto G, dated as authored', () => {
  let r: TestRepo;
  let g: string;
  let p: string;
  beforeAll(() => {
    r = makeRepo();
    configureSshSigning(r, alice);
    const base = commitAt(r, alice, 'alice', R - 40 * DAY, {
      '.gitguard/policy.yml': POLICY(),
      '.gitguard/allowed_signers': SIGNERS,
    });
    r.run(['branch', 'work', base]);
    g = commitAt(r, alice, 'alice', R + 2 * HOUR, {
      '.gitguard/policy.yml': POLICY('', `    retired: ${iso(R).slice(0, 10)}\n`),
    });
    r.run(['branch', '-f', 'main-tip', g]);
    r.run(['checkout', '-q', 'work']);
    commitAt(r, alice, 'alice', R - 3 * DAY, { 'a.txt': 'old work\n' });
    commitAt(r, alice, 'alice', R - 3 * DAY + HOUR, { 'b.txt': 'more old work\n' });
    p = aliceRebases(r, g, 'work');
    expect(Number(r.run(['log', '-1', '--format=%ct', p]))).toBe(R - 3 * DAY + HOUR);
    expect(r.run(['rev-list', '--count', `${g}..${p}`])).toBe('2');
  });

  test('twin: the rebase itself (her key valid, dated back past G) passes', async () => {
    r.run(['checkout', '-q', '--detach', p]);
    expect(await audit(r)).toMatchObject({ code: 0, ...PASS });
  });

  test('Bob signs C on P dated 23:00 before R: signers-not-retired fails (before: pass); git says G', async () => {
    r.run(['checkout', '-q', '--detach', p]);
    const c = commitAt(r, bob, 'bob', R - HOUR, { 'bob.txt': 'late\n' });
    expect(gitLetter(r, c, writeAllowedSigners(join(r.home, 'signers'), SIGNERS.trim().split('\n')))).toBe('G');
    expect(await audit(r)).toMatchObject({ code: 1, 'signers-not-retired': 'fail' });
  });

  test('the same with P outside the walk: --base at P, and a run resumed from a checkpoint written at P', async () => {
    r.run(['checkout', '-q', '--detach', p]);
    expect(await audit(r, [])).toMatchObject({ code: 0, ...PASS });
    commitAt(r, bob, 'bob', R - HOUR, { 'bob.txt': 'late\n' });
    expect(await audit(r, [])).toMatchObject({ code: 1, 'signers-not-retired': 'fail', incremental: 'yes' });
    expect(await audit(r, ['--no-cache', '--base', p])).toMatchObject({ code: 1, 'signers-not-retired': 'fail' });
  });

  test("Bob signs a tag of P dated before R: tags-signed fails (before: pass); Alice's tag of P passes", async () => {
    r.run(['checkout', '-q', '--detach', p]);
    const tag = (who: string, key: SshTestKey, name: string): void => {
      r.run(['-c', `user.signingkey=${key.path}`, 'tag', '-s', '-m', name, name], { env: as(who, R - HOUR) });
    };
    tag('alice', alice, 'v-alice');
    expect(await audit(r)).toMatchObject({ code: 0, ...PASS });
    tag('bob', bob, 'v-bob');
    expect(await audit(r)).toMatchObject({ code: 1, 'tags-signed': 'fail' });
    r.run(['tag', '-d', 'v-alice', 'v-bob']);
  });
});

describe('a commit from a clock ten years ahead, then signatures by keys that retire or expire later than they signed', () => {
  const AHEAD = Math.floor(Date.now() / 1000) + 3650 * DAY;
  const LATER = R + 30 * DAY; // Bob retires, Carol's allowed_signers line ends: twenty days from now
  const stamp = iso(LATER).replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const signers = SIGNERS.replace('carol@example.com ', `carol@example.com valid-before="${stamp}" `);

  function history(): TestRepo {
    const r = makeRepo();
    configureSshSigning(r, alice);
    commitAt(r, alice, 'alice', R - 40 * DAY, {
      '.gitguard/policy.yml': POLICY('', `    retired: ${iso(LATER).slice(0, 10)}\n`),
      '.gitguard/allowed_signers': signers,
    });
    commitAt(r, alice, 'alice', AHEAD, { 'clock.txt': 'a machine whose clock is ahead\n' });
    commitAt(r, bob, 'bob', R + HOUR, { 'bob.txt': 'in time\n' });
    commitAt(r, alice, 'alice', R + 2 * HOUR, { 'a.txt': 'after it\n' });
    commitAt(r, carol, 'carol', R + 3 * HOUR, { 'carol.txt': 'in time\n' });
    return r;
  }

  test('passes (before: signers-not-retired failed on the commit made on it); git says G', async () => {
    const r = history();
    const file = writeAllowedSigners(join(r.home, 'signers'), signers.trim().split('\n'));
    expect(gitLetter(r, r.head(), file)).toBe('G');
    expect(gitLetter(r, r.run(['rev-parse', 'HEAD~2']), file)).toBe('G');
    expect(await audit(r)).toMatchObject({ code: 0, ...PASS });
    expect(await audit(r, [])).toMatchObject({ code: 0, ...PASS });
    expect(await audit(r, ['--no-cache', '--base', 'HEAD~2'])).toMatchObject({ code: 0, ...PASS });
  });

  test('the same history with that commit dated after the retirement and the line (now past) fails: the date is evidence', async () => {
    const r = makeRepo();
    configureSshSigning(r, alice);
    commitAt(r, alice, 'alice', R - 40 * DAY, {
      '.gitguard/policy.yml': POLICY('', `    retired: ${iso(R).slice(0, 10)}\n`),
      '.gitguard/allowed_signers': SIGNERS.replace(
        'carol@example.com ',
        `carol@example.com valid-before="${iso(R).replace(/[-:T]/g, '').slice(0, 14)}Z" `,
      ),
    });
    commitAt(r, alice, 'alice', R + 2 * HOUR, { 'clock.txt': 'after midnight\n' });
    commitAt(r, alice, 'alice', R - 5 * HOUR, { 'a.txt': 'dated back\n' });
    commitAt(r, bob, 'bob', R - 2 * HOUR, { 'bob.txt': 'dated back\n' });
    commitAt(r, carol, 'carol', R - HOUR, { 'carol.txt': 'dated back\n' });
    expect(await audit(r)).toMatchObject({ code: 1, 'signers-not-retired': 'fail', 'signers-authorized': 'fail' });
  });
});
