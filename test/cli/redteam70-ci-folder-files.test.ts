// Red-team round 70: ci-gate-kept read every file of a CI folder, per version: a `.forgejo/workflows`
// of 100,000 workflows took 35 s and 1.1 GB of node. Past 1,000 files the audit stops now with one
// line (collect/derived-paths.ts ciFolderFiles): a gate among files left unread would be judged on
// what was left out. git's own answer (ls-tree) counts the files.
import { cleanupTemp } from '../helpers/repo.js';
import { keysOnlyGateFiles } from '../helpers/team.js';

afterAll(cleanupTemp);

const GATE = 'on: push\njobs:\n  audit:\n    runs-on: x\n    steps:\n      - run: npx gitguard audit\n';
const workflows = (folder: string, n: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `${folder}/w${i}.yml`,
      `on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: echo ${i}\n`,
    ]),
  );

test.each([
  { name: 'a Forgejo folder of 1,001 workflows beside the gate', folder: '.forgejo/workflows', n: 1000, kept: false },
  { name: 'a GitHub folder of 1,001 workflows beside the gate', folder: '.github/workflows', n: 1000, kept: false },
  {
    name: 'twin: a Forgejo folder of 1,000 workflows beside the gate',
    folder: '.forgejo/workflows',
    n: 999,
    kept: true,
  },
])('$name', async ({ folder, n, kept }) => {
  const res = await keysOnlyGateFiles({ [`${folder}/ci.yml`]: GATE }, workflows(folder, n));
  expect(
    res.r
      .run(['ls-tree', '--name-only', `HEAD:${folder}`])
      .trim()
      .split('\n'),
  ).toHaveLength(n + 1);
  if (kept) expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  else expect(res.code).toBe(2);
});
