// The CI-gate readings of this stop meet text the audited repository writes: each must take time
// linear in it. Before, a long word before `rc=$?`, a run of `for`s or `((`s, a Makefile line of spaces
// and a GitLab `only:` expression that backtracks each took time quadratic or exponential in the input
// (minutes to hours at these sizes): these tests then hang until jest's timeout fails them.
import { statusVariable } from '../../src/domain/shell-state.js';
import { makeScript } from '../../src/domain/make-recipe.js';
import { changesNever, gitlabRefsRun } from '../../src/domain/push-filters.js';
import type { FileAt } from '../../src/domain/shell-state.js';

const big = 200_000;

test('statusVariable: a 200,000-character word, `for`s and `((`s before `rc=$?` are read in one pass', () => {
  expect(statusVariable(`${'a'.repeat(big)}\nnpx gitguard audit\nrc=$?\n[ $rc -eq 0 ] || exit 1`)).toBe('rc');
  expect(statusVariable(`${'for '.repeat(big / 4)}\nnpx gitguard audit\nrc=$?`)).toBe('rc');
  expect(statusVariable(`${'(('.repeat(big / 2)})\nnpx gitguard audit\nrc=$?`)).toBe('rc');
  // twins: what the reading refuses it still refuses
  expect(statusVariable('npx gitguard audit\nrc=$?\nfor rc in 0; do :; done')).toBeUndefined();
  expect(statusVariable('npx gitguard audit\nrc=$?\n(( rc = 0 ))')).toBeUndefined();
  expect(statusVariable('npx gitguard audit\nrc=$?\nrc+=1')).toBeUndefined();
});

test('makeScript: a rule line of 60,000 spaces before the goal is read in one pass', () => {
  const text = `lint${' '.repeat(60_000)}x:\n\teslint .\ngate:\n\tgitguard audit\n`;
  const read = (p: string): FileAt => (p === 'Makefile' ? { text } : null);
  const out = makeScript(['gate'], read, '', new Map());
  expect(typeof out === 'object' && out !== null ? out.script : out).toContain('gitguard audit');
  // a line of spaces that is no rule: not followed (as before, now at once)
  const junk = `x${' '.repeat(60_000)}y\ngate:\n\tgitguard audit\n`;
  expect(makeScript(['gate'], (p) => (p === 'Makefile' ? { text: junk } : null), '', new Map())).toBe('unfollowed');
});

test('GitHub branch filters and GitLab changes: globs of many stars against long names, on RE2', () => {
  const name = 'a'.repeat(3_000);
  const stars = `${'*a'.repeat(30)}!`;
  expect(gitlabRefsRun(undefined, undefined, [name])).toBe(true);
  expect(changesNever([stars], [`${name}`])).toBe(true);
  expect(changesNever(['src/**/*.ts'], ['src/a/b.ts'])).toBe(false);
});

test("GitLab only: /^(a|a)*b/ against a 40-character branch: RE2's linear match, as GitLab runs it", () => {
  const branch = `${'a'.repeat(40)}!`;
  expect(gitlabRefsRun(['/^(a|a)*b/'], undefined, [branch])).toBe(false);
  // twins: an expression that matches runs the job; one for another branch does not
  expect(gitlabRefsRun(['/^a+!$/'], undefined, [branch])).toBe(true);
  expect(gitlabRefsRun(['/^main$/'], undefined, ['main'])).toBe(true);
  expect(gitlabRefsRun(['/^release/'], undefined, ['main'])).toBe(false);
});
