// The ledger rules over hand-built facts: rewritten, deleted and moved protected refs, forced
// reflog entries, a damaged or missing ledger.
import protectedRefsNotRewritten from '../../src/rules/protected-refs-not-rewritten.js';
import protectedRefsPresent from '../../src/rules/protected-refs-present.js';
import tagsNotMoved from '../../src/rules/tags-not-moved.js';
import reflogNoForcedUpdates from '../../src/rules/reflog-no-forced-updates.js';
import { available, unavailable } from '../../src/domain/model.js';
import type { LedgerFacts, ProtectedRef, ReflogEntry } from '../../src/domain/ledger.js';
import { factsWith, runTable } from '../helpers/facts.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const ledger = (over: Partial<LedgerFacts> = {}) =>
  factsWith({
    ledger: available({
      file: '/r/.git/gitguard/ledger.json',
      fresh: false,
      globs: ['refs/heads/main', 'refs/tags/*'],
      globSource: 'default',
      refs: [],
      forcedUpdates: [],
      ...over,
    }),
  });
const ref = (over: Partial<ProtectedRef>): ProtectedRef => ({ name: 'refs/heads/main', kind: 'branch', ...over });
const rewritten = ref({
  recorded: A,
  current: B,
  rewritten: { lost: 7, commits: [{ oid: C, subject: 'add audit log', author: 'Bob <bob@example.com>' }] },
});
const damaged = ledger({ damaged: 'damaged ledger /r/.git/gitguard/ledger.json: not valid JSON' });

describe('protected-refs-not-rewritten', () => {
  runTable(protectedRefsNotRewritten, [
    {
      name: 'passes when every protected branch moved forward',
      facts: ledger({ refs: [ref({ recorded: A, current: B })] }),
      outcome: 'pass',
    },
    {
      name: 'fails naming the count, subject and author of the vanished commits',
      facts: ledger({ refs: [rewritten] }),
      outcome: 'fail',
      mentions: ['refs/heads/main was rewritten: 7 commit(s)', 'add audit log', 'Bob <bob@example.com>', 'and 6 more'],
    },
    {
      name: 'fails on a rewritten remote-tracking branch',
      facts: ledger({ refs: [{ ...rewritten, name: 'refs/remotes/origin/main', kind: 'remote' }] }),
      outcome: 'fail',
      mentions: ['remote-tracking branch refs/remotes/origin/main'],
    },
    {
      name: 'fails when the recorded tip is gone from the repository',
      facts: ledger({
        refs: [ref({ recorded: A, current: B, rewritten: { lost: 0, commits: [], recordedMissing: true } })],
      }),
      outcome: 'fail',
      mentions: ['no longer in the repository'],
    },
    {
      name: 'fails when HEAD does not descend from --base',
      facts: ledger({ fresh: true, base: { ...rewritten, name: 'HEAD' } }),
      outcome: 'fail',
      mentions: [`HEAD does not descend from --base ${A.slice(0, 12)}`],
    },
    {
      name: 'fails on a damaged ledger instead of resetting it',
      facts: damaged,
      outcome: 'fail',
      mentions: ['not valid JSON', 'never resets'],
    },
    {
      name: 'is not applicable before the first ledger is written',
      facts: ledger({ fresh: true }),
      outcome: 'not-applicable',
    },
    {
      name: 'is not available when the facts could not be collected',
      facts: factsWith({ ledger: unavailable('git failed') }),
      outcome: 'not-available',
    },
  ]);
});

describe('protected-refs-present', () => {
  runTable(protectedRefsPresent, [
    {
      name: 'passes when every recorded ref still exists',
      facts: ledger({ refs: [ref({ recorded: A, current: A })] }),
      outcome: 'pass',
    },
    {
      name: 'fails naming a deleted protected branch',
      facts: ledger({ refs: [ref({ recorded: A })] }),
      outcome: 'fail',
      mentions: ['refs/heads/main was deleted', A],
    },
    { name: 'fails on a damaged ledger', facts: damaged, outcome: 'fail' },
  ]);
});

describe('tags-not-moved', () => {
  runTable(tagsNotMoved, [
    {
      name: 'passes when a recorded tag points where it did',
      facts: ledger({ refs: [ref({ name: 'refs/tags/v1', kind: 'tag', recorded: A, current: A })] }),
      outcome: 'pass',
    },
    {
      name: 'passes for a tag new to the ledger',
      facts: ledger({ refs: [ref({ name: 'refs/tags/v2', kind: 'tag', current: B })] }),
      outcome: 'pass',
    },
    {
      name: 'fails naming both objects of a moved tag',
      facts: ledger({ refs: [ref({ name: 'refs/tags/v1', kind: 'tag', recorded: A, current: B })] }),
      outcome: 'fail',
      mentions: ['refs/tags/v1 was moved', A, B],
    },
  ]);
});

const forced: ReflogEntry = {
  ref: 'refs/heads/main',
  file: '/r/.git/logs/refs/heads/main',
  old: A,
  new: B,
  who: 'Alice <alice@example.com>',
  time: 1_700_000_000,
  tz: '+0000',
  message: 'reset: moving to HEAD~3',
  why: 'the new tip does not descend from the old one',
};
describe('reflog-no-forced-updates', () => {
  runTable(reflogNoForcedUpdates, [
    { name: 'passes with no forced reflog entries', facts: ledger(), outcome: 'pass' },
    {
      name: 'warns with the time and message of a reset',
      facts: ledger({ forcedUpdates: [forced] }),
      outcome: 'warn',
      mentions: ['2023-11-14T22:13:20.000Z', 'reset: moving to HEAD~3'],
    },
    { name: 'is not available when the ledger is damaged', facts: damaged, outcome: 'not-available' },
  ]);
});
