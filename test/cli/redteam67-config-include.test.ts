// Red-team round 67: `git config include.path ../.gitconfig`, the shared config a project commits
// and asks its developers to include, made git read its config from a file of the work tree: whatever
// the last checkout wrote there. A commit adding `core.fsmonitor` or an alias to it runs on the next
// git command, before any audit sees it, and the audit passed while the file set nothing. The include
// itself fails no-code-execution-in-local-config now, wherever its path leads into the work tree (a
// link on the way included); git's own answer (`git config --show-origin`) says which file it reads.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'no-code-execution-in-local-config';

/** A repository committing a shared config (aliases only, nothing that runs), included by `setup`. */
async function included(setup: (r: TestRepo) => void): Promise<{ outcome: string; text: string; origin: string }> {
  const r = makeRepo();
  r.commit('shared config', { '.gitconfig': '[alias]\n\tco = checkout\n' });
  setup(r);
  const res = await runMain(['audit', '-C', r.dir, '-r', RULE, '--no-ledger', '--format', 'json'], { env: r.env });
  const result = resultOf(parseJson(res), RULE);
  // git's answer: the file its alias comes from.
  const origin = r.run(['config', '--show-origin', '--get', 'alias.co']).split('\t')[0]!;
  return { outcome: result.outcome, text: JSON.stringify(result), origin };
}

test.each([
  ['include.path=../.gitconfig', (r: TestRepo) => r.run(['config', 'include.path', '../.gitconfig'])],
  [
    'includeIf "onbranch:main".path=../.gitconfig',
    (r: TestRepo) => r.run(['config', 'includeIf.onbranch:main.path', '../.gitconfig']),
  ],
  ['an absolute include.path', (r: TestRepo) => r.run(['config', 'include.path', join(r.dir, '.gitconfig')])],
  [
    'include.path=shared, a link in .git to the work tree’s file',
    (r: TestRepo) => {
      symlinkSync('../.gitconfig', join(r.dir, '.git', 'shared'));
      r.run(['config', 'include.path', 'shared']);
    },
  ],
])('%s: fails', async (_name, setup) => {
  const { outcome, text, origin } = await included(setup);
  expect(origin).toMatch(/^file:.*(\.gitconfig|shared)$/);
  expect(outcome).toBe('fail');
  expect(text).toContain('takes in a file of the work tree');
});

test.each([
  [
    'twin: include.path=team.inc, a file of .git',
    (r: TestRepo) => {
      writeFileSync(join(r.dir, '.git', 'team.inc'), '[alias]\n\tco = checkout\n');
      r.run(['config', 'include.path', 'team.inc']);
    },
    'file:.git/team.inc',
  ],
  [
    'twin: include.path to a file beside the work tree (a runner’s temp folder)',
    (r: TestRepo) => {
      const temp = join(r.dir, '..', 'runner-temp');
      mkdirSync(temp);
      writeFileSync(join(temp, 'creds.config'), '[alias]\n\tco = checkout\n');
      r.run(['config', 'include.path', join(temp, 'creds.config')]);
    },
    'creds.config',
  ],
])('%s: passes', async (_name, setup, from) => {
  const { outcome, origin } = await included(setup);
  expect(origin).toContain(from);
  expect(outcome).toBe('pass');
});
