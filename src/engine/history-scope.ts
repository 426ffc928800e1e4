// The revisions the one walk starts from and excludes (history.ts), before the trust root adds its
// own: a push's tips, a --range, every ref (--all: what git never signs left out), or HEAD; with
// --base, what it reaches is left out. A CI run's test merge stands for its parents.
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import { resolveRange } from './history-range.js';
import { resolveCommitId } from './ledger.js';
import { testMergeParents } from './ci-test-merge.js';
import type { HistoryScope } from './history-session.js';
import { splitMetadataRefs } from '../collect/metadata-refs.js';
import { worktreeHeads } from '../collect/refs.js';

/** The walk's revisions (`^x`: excluded), what the report calls them, and what it leaves out that the secrets scan reads. */
export interface WalkScope {
  revisions: string[];
  description: string;
  unwalked: string[];
}

export async function walkScope(repo: RepositoryInfo, history: HistoryFacts, scope: HistoryScope): Promise<WalkScope> {
  let revisions: string[];
  let description: string;
  let unwalked = scope.revisions ? [...(scope.unwalked ?? [])] : []; // --all, a push: notes, a stash's WIP, for the secrets scan
  if (scope.revisions) {
    revisions = [...scope.revisions];
    description = `${revisions.filter((r) => !r.startsWith('^')).length} tip(s) to publish`;
  } else if (scope.range) {
    revisions = await resolveRange(repo, scope.range);
    description = `range ${scope.range}`;
  } else if (scope.all) {
    const refs = history.refs.filter((r) => !r.name.startsWith('refs/replace/'));
    // What git never signs is not walked: a stash's WIP commits, notes (metadata-refs.ts). Every walk of --all leaves
    // out the same, so a resumed walk's tips hold for each; the secrets scan reads them (unwalked): a push publishes them.
    const split = await splitMetadataRefs(
      repo.gitDir,
      refs.map((r) => ({ name: r.name, oid: r.peeled ?? r.oid, type: r.type })),
      repo.objectFormat === 'sha256' ? 64 : 40,
      [],
      history.forgeRefs,
    );
    revisions = [...new Set([...split.tips, ...(await worktreeHeads(repo, history.head))])];
    unwalked = split.unwalked;
    description = `all refs (${revisions.length} tips${split.leftOut ? `; ${split.leftOut}` : ''})`;
    // The CI run's test merge is checked out (HEAD) and, by actions/checkout, fetched into
    // refs/remotes/pull/<n>/merge: the same never-pushed commit as without --all, so its parents
    // stand in for it wherever it is a tip. A commit built on top of it is still walked through it.
    const merge = scope.testMerge && revisions.includes(scope.testMerge.sha) ? scope.testMerge : undefined;
    const parents = merge ? await testMergeParents(repo, merge.sha, merge) : undefined;
    if (parents) {
      revisions = [...new Set(revisions.flatMap((r) => (r === merge!.sha ? parents.parents : [r])))];
      description += `; ${parents.description}`;
    }
  } else if (history.head.oid) {
    const testMerge = await testMergeParents(repo, history.head.oid, scope.testMerge);
    revisions = testMerge?.parents ?? [history.head.oid];
    description = testMerge?.description ?? `HEAD${history.head.ref ? ` (${history.head.ref})` : ''}`;
  } else {
    revisions = [];
    description = 'HEAD has no commits yet';
  }
  if (scope.base && revisions.length) {
    const base = await resolveCommitId(repo, scope.base, '--base');
    revisions = [...revisions, `^${base}`];
    description += `, after --base ${base.slice(0, 12)}`;
  }
  return { revisions, description, unwalked };
}
