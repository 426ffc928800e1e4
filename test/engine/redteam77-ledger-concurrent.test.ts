// Two audits at once: run A reads the ledger and the tips, run B records a newer tip of the same
// branch, then A records what it judged. A compared its tip with the older record only: writing it
// took the ledger back, and a later rewrite of the commit B had recorded passed. The runs are real
// audits of a real repository, interleaved in a fixed order (A's facts and verdict taken, B run whole,
// then A's recording, as runAudit does it last); git's own answer (merge-base --is-ancestor) says
// whether the recorded commit is still on the branch.
import { execFileSync } from 'node:child_process';
import { available } from '../../src/domain/model.js';
import { runAudit } from '../../src/engine/audit.js';
import { collectLedger, recordJudgedTips } from '../../src/engine/ledger.js';
import { collectHistory } from '../../src/collect/refs.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { readLedger } from '../../src/collect/ledger.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const audit = (r: TestRepo) => runAudit({ path: r.dir, threats: ['history'], failOn: 'low', env: r.env });
const outcome = (report: Awaited<ReturnType<typeof audit>>, id: string) =>
  report.results.find((x) => x.meta.id === id)?.outcome;
const onBranch = (r: TestRepo, oid: string): boolean => {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', oid, 'main'], { cwd: r.dir, env: r.env, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

/** Run A up to its recording: the facts and verdict a real audit of the repository as it is now has. */
async function runAUntilRecording(r: TestRepo) {
  const repository = await discoverRepository(r.dir);
  const facts = await collectLedger(repository, await collectHistory(repository));
  const report = await runAudit({ path: r.dir, threats: ['history'], failOn: 'low', env: r.env, ledger: false });
  expect(report.exitCode).toBe(0);
  return () => recordJudgedTips(repository, available(facts), report.results, 'low');
}

/** main at one, audited and recorded; then at two, where run A reads the ledger and judges it. */
async function recordedOneThenA() {
  const r = makeRepo();
  r.commit('one', { 'a.txt': '1' });
  expect((await audit(r)).ledger).toMatchObject({ updated: true });
  const two = r.commit('two', { 'a.txt': '2' });
  return { r, two, finishA: await runAUntilRecording(r) };
}

test('a run that read the ledger before another recorded a newer tip does not take the record back', async () => {
  const { r, two, finishA } = await recordedOneThenA(); // A judged main at two against the record of one
  const three = r.commit('three', { 'a.txt': '3' });
  expect((await audit(r)).ledger).toMatchObject({ updated: true }); // B recorded three
  const a = finishA();
  expect(a).toMatchObject({ updated: true, kept: ['refs/heads/main'] });
  expect(readLedger(`${r.dir}/.git`)?.refs['refs/heads/main']?.oid).toBe(three);
  // three, recorded by B, is rewritten away: git says it is no longer on main, and so must the audit.
  r.run(['reset', '-q', '--hard', two]);
  r.commit('three, rewritten', { 'a.txt': '3b' });
  expect(onBranch(r, three)).toBe(false);
  const after = await audit(r);
  expect(outcome(after, 'protected-refs-not-rewritten')).toBe('fail');
  expect(after.exitCode).toBe(1);
});

test('twin: with no run in between, the run records its tip, and a fast-forward after it passes', async () => {
  const { r, two, finishA } = await recordedOneThenA();
  const a = finishA();
  expect(a).toMatchObject({ updated: true, refs: 1 });
  expect(a.kept).toBeUndefined();
  expect(readLedger(`${r.dir}/.git`)?.refs['refs/heads/main']?.oid).toBe(two);
  const three = r.commit('three', { 'a.txt': '3' });
  expect(onBranch(r, two)).toBe(true);
  const after = await audit(r);
  expect(outcome(after, 'protected-refs-not-rewritten')).toBe('pass');
  expect(after.exitCode).toBe(0);
  expect(readLedger(`${r.dir}/.git`)?.refs['refs/heads/main']?.oid).toBe(three);
});

test('twin: another run that recorded the same tip meanwhile is no conflict', async () => {
  const { r, two, finishA } = await recordedOneThenA();
  expect((await audit(r)).ledger).toMatchObject({ updated: true }); // B recorded two as well
  const a = finishA();
  expect(a).toMatchObject({ updated: true, refs: 1 });
  expect(a.kept).toBeUndefined();
  expect(readLedger(`${r.dir}/.git`)?.refs['refs/heads/main']?.oid).toBe(two);
});
