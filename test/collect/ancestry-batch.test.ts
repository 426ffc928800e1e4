// Batched ancestry (collect/ancestry-batch.ts) against what the objects say: replace refs and grafts
// in the audited repository (which git itself would follow) must not make a commit descend from
// another, and a push of 1,200 protected ref updates is answered in bulk, each answer git's own.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchedDescends, fastForwards, type Move } from '../../src/collect/ancestry-batch.js';
import { createShadow, type Shadow } from '../../src/collect/git.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

const N = 1200;
let repo: TestRepo;
let shadow: Shadow;
const main: string[] = [];
let side1 = '';
let side2 = '';

beforeAll(() => {
  repo = makeRepo();
  // main: N + 1 commits in a line; side1 and side2 branch off its first commit.
  const lines: string[] = [];
  for (let i = 0; i <= N; i += 1) {
    lines.push(`commit refs/heads/main`, `mark :${i + 1}`, `committer a <a@example.com> ${1_700_000_000 + i} +0000`);
    lines.push(`data 3`, `c${String(i % 100).padStart(2, '0')}`, ...(i ? [`from :${i}`] : []), '');
  }
  for (const s of [1, 2])
    lines.push(
      `commit refs/heads/side${s}`,
      `mark :${N + 10 + s}`,
      `committer a <a@example.com> 1700009999 +0000`,
      `data 2`,
      `s${s}`,
      `from :1`,
      '',
    );
  repo.run(['fast-import', '--quiet'], { input: `${lines.join('\n')}\n` });
  main.push(...repo.run(['rev-list', '--reverse', 'main']).split('\n'));
  side1 = repo.run(['rev-parse', 'side1']);
  side2 = repo.run(['rev-parse', 'side2']);
  // The audited repository claims both sides descend from main's 6th commit.
  repo.run(['replace', '--graft', side1, main[5]!]);
  writeFileSync(join(repo.dir, '.git', 'info', 'grafts'), `${side2} ${main[5]}\n`);
  expect(repo.run(['merge-base', '--is-ancestor', main[5]!, side1]).length).toBe(0); // git follows the replace ref
  shadow = createShadow(join(repo.dir, '.git'), 'sha1');
});

afterAll(() => {
  shadow.dispose();
  cleanupTemp();
});

test('descends: replace refs and grafts are not followed; many questions in one turn get the right answers', async () => {
  const descends = batchedDescends(shadow);
  const asks: Array<[string, string, boolean]> = [
    [main[5]!, side1, false],
    [main[5]!, side2, false],
    [main[0]!, side1, true],
    [main[5]!, main[900]!, true],
    [main[900]!, main[5]!, false],
    [main[7]!, main[7]!, true],
    ...main.slice(1, 400).map((c): [string, string, boolean] => [main[1]!, c, true]),
  ];
  const got = await Promise.all(asks.map(([a, o]) => descends(a, o)));
  expect(got).toEqual(asks.map(([, , want]) => want));
});

test('fastForwards: 1,200 updates in one push, with replace refs and grafts claiming two of them', async () => {
  const moves: Move[] = main.slice(1).map((c, i) => ({ old: main[i]!, new: c }));
  moves.push({ old: main[5]!, new: side1 }, { old: main[5]!, new: side2 }, { old: side1, new: main[N]! });
  // A stack of branches each one commit ahead of the next: every update's history runs through
  // another's old tip. Known tips: main's root only, or every old tip (a pre-receive hook's refs).
  for (const known of [[main[0]!], main.slice(0, N)]) {
    const answers = await fastForwards(shadow, moves, known);
    const wrong = moves.filter((m, i) => answers.get(`${m.old} ${m.new}`) !== i < N);
    expect(wrong).toEqual([]);
  }
});
