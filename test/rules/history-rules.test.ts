import replaceRefsAbsent from '../../src/rules/replace-refs-absent.js';
import graftsAbsent from '../../src/rules/grafts-absent.js';
import historyComplete from '../../src/rules/history-complete.js';
import { available, unavailable } from '../../src/domain/model.js';
import objectsIntact from '../../src/rules/objects-intact.js';
import { commit, entry, factsWith, runTable } from '../helpers/facts.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const history = (over: object) =>
  available({ head: { ref: 'refs/heads/main', oid: A }, refs: [], replaceRefs: [], shallowCommits: [], ...over });

describe('replace-refs-absent', () => {
  runTable(replaceRefsAbsent, [
    { name: 'passes with no refs/replace entries', outcome: 'pass' },
    {
      name: 'fails naming the replaced object and its replacement',
      facts: factsWith({ history: history({ replaceRefs: [{ replaced: A, replacement: B }] }) }),
      outcome: 'fail',
      mentions: [A, B],
    },
    {
      name: 'names the subjects of a replaced commit and its replacement',
      facts: factsWith({
        history: history({
          replaceRefs: [
            { replaced: A, replacement: B, replacedSubject: 'release 1.0', replacementSubject: 'release 1.0 (forged)' },
          ],
        }),
      }),
      outcome: 'fail',
      mentions: [`commit ${A} ("release 1.0") is replaced by ${B} ("release 1.0 (forged)")`],
    },
    {
      // The refs travel with a mirror fetch or push, core.useReplaceRefs does not: still a failure,
      // which says this clone ignores them (before: "git log shows the replacement", untrue here).
      name: 'still fails where core.useReplaceRefs=false, saying this clone ignores them',
      facts: factsWith({
        history: history({ replaceRefs: [{ replaced: A, replacement: B }] }),
        config: available([entry('core.usereplacerefs', 'false')]),
      }),
      outcome: 'fail',
      mentions: [
        `object ${A} is replaced by ${B}: git here ignores it (core.useReplaceRefs=false, local), but a clone that fetches refs/replace/* shows the replacement`,
      ],
    },
    {
      name: 'twin: core.useReplaceRefs=true keeps the plain wording',
      facts: factsWith({
        history: history({ replaceRefs: [{ replaced: A, replacement: B }] }),
        config: available([entry('core.usereplacerefs', 'false', 'global'), entry('core.usereplacerefs', 'true')]),
      }),
      outcome: 'fail',
      mentions: [`object ${A} is replaced by ${B}: git log shows the replacement, not the real object`],
    },
    {
      name: 'is not available when refs could not be read',
      facts: factsWith({ history: unavailable('git for-each-ref failed') }),
      outcome: 'not-available',
    },
  ]);
});

describe('grafts-absent', () => {
  runTable(graftsAbsent, [
    { name: 'passes without a grafts file', outcome: 'pass' },
    {
      name: 'fails naming a grafted commit and its invented parent',
      facts: factsWith({ history: history({ grafts: { file: '/r/.git/info/grafts', entries: [`${A} ${B}`] } }) }),
      outcome: 'fail',
      mentions: [`${A} is grafted onto ${B}`],
    },
    {
      name: 'fails on a graft that cuts history (no parents)',
      facts: factsWith({ history: history({ grafts: { file: '/r/.git/info/grafts', entries: [A] } }) }),
      outcome: 'fail',
      mentions: ['no parents'],
    },
    {
      name: 'fails on an empty grafts file too',
      facts: factsWith({ history: history({ grafts: { file: '/r/.git/info/grafts', entries: [] } }) }),
      outcome: 'fail',
      findings: 1,
    },
  ]);
});

describe('history-complete', () => {
  runTable(historyComplete, [
    { name: 'passes on a full clone', outcome: 'pass' },
    {
      name: 'fails on a shallow clone, naming how many boundary commits',
      facts: factsWith({
        repository: {
          path: '/r',
          gitDir: '/r/.git',
          commonDir: '/r/.git',
          bare: false,
          shallow: true,
          objectFormat: 'sha1',
        },
        history: history({ shallowCommits: [A, B] }),
      }),
      outcome: 'fail',
      mentions: ['2 boundary commit(s)'],
    },
  ]);
});

describe('objects-intact', () => {
  runTable(objectsIntact, [
    { name: 'passes when every commit re-hashes to its id', commits: [commit(), commit()], outcome: 'pass' },
    {
      name: 'fails naming a commit whose bytes were swapped',
      commits: [commit(), commit({ hashOk: false, subject: 'forged' })],
      outcome: 'fail',
      findings: 1,
      mentions: ['forged'],
    },
    { name: 'is not applicable with no commits', commits: [], outcome: 'not-applicable' },
  ]);
});
