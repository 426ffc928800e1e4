/**
 * The commit-graph files git reads in place of the commits themselves (`objects/info/commit-graph`,
 * else the chain in `objects/info/commit-graphs/`): each commit's parents, root tree and date, which
 * `git log`, `rev-list`, `merge-base` and the objects a push sends take from the graph, not from the
 * commit object. gitguard reads the objects; a graph that disagrees with them shows git's users
 * another history than the one audited.
 */
export interface CommitGraphStore {
  /** The object store (its real path) whose graph this is. */
  store: string;
  /** The graph git loads there: the file, or the chain file when there is no file. */
  file: string;
  /** What git's own `commit-graph verify` said (its first lines); empty: the graph matches the objects. */
  problems: string[];
  /** Commits the graph lists that the store no longer holds (pruned since it was written): not a lie git can show. */
  pruned?: number;
  /**
   * The graph carries changed-path Bloom filters: `git log -- PATH` skips the commits a filter calls
   * unchanged at PATH. git's verify does not read them; gitguard checks each against the paths its
   * commit changes (a filter that hides one is among the problems).
   */
  changedPaths?: true;
  /** Why the filters could not be checked against the commits' changes (a tree a partial clone lacks). */
  filtersUnchecked?: string;
  /** Why git was not asked: a graph file that is not a regular file (a FIFO would block git). */
  unreadable?: string;
}

export interface CommitGraphFacts {
  /** The stores git reads that hold a commit-graph (the repository's, then its alternates'). */
  graphs: CommitGraphStore[];
}
