// Refs a forge keeps beside the branches, which a `git clone --mirror` (and a `git push --mirror` of
// it) copies: proposals that are not the project's history until a branch merges them (a pull
// request's head and the forge's test merge), and refs a forge keeps only so that commits it once
// showed are not collected. Each family by its exact shape; any other name is a branch.

const lastPart = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** Gerrit's refs/changes/<last two digits of the change>/<change>/...: the folder fits the change number. */
const gerritShardFits = (name: string): boolean => {
  const [, , shard, change] = name.split('/') as [string, string, string, string];
  return change.padStart(2, '0').slice(-2) === shard;
};

/**
 * Gerrit's NoteDb review metadata of a change (refs/changes/NN/<change>/meta, and the older
 * robot-comments): a history of its own, commits by the server whose trees hold notes alone (the
 * review comments, keyed by the patch set's commit id). Judged as notes are (metadata-refs.ts): left
 * out only while that holds.
 */
export const isGerritChangeNotesRef = (name: string): boolean =>
  /^refs\/changes\/\d\d\/[1-9]\d*\/(meta|robot-comments)$/.test(name) && gerritShardFits(name);

export interface ForgeRefFamily {
  /** How the scope names the family ("refs/pull/*"). */
  label: string;
  /** The ref names of the family, whole. */
  pattern: RegExp;
  /** A further condition on the name and the commit it holds, beside the pattern. */
  fits?: (name: string, oid: string) => boolean;
}

const FORGE_REF_FAMILIES: readonly ForgeRefFamily[] = [
  // GitHub: a pull request's head (the contributor's commits) and GitHub's test merge of it.
  { label: 'refs/pull/*', pattern: /^refs\/pull\/[1-9]\d*\/(head|merge)$/ },
  // GitLab: a merge request's head, its merged results and merge train commits.
  { label: 'refs/merge-requests/*', pattern: /^refs\/merge-requests\/[1-9]\d*\/(head|merge|train)$/ },
  // GitLab: commits kept for a pipeline, a note or a merge request diff, each named by its id.
  {
    label: 'refs/keep-around/*',
    pattern: /^refs\/keep-around\/([0-9a-f]{40}|[0-9a-f]{64})$/,
    fits: (name, oid) => lastPart(name) === oid,
  },
  // GitLab: the commit each deployment of an environment ran, and each merge request pipeline's commit.
  { label: 'refs/environments/*', pattern: /^refs\/environments\/[^/]+\/deployments\/[1-9]\d*$/ },
  { label: 'refs/pipelines/*', pattern: /^refs\/pipelines\/[1-9]\d*$/ },
  // Bitbucket: a pull request's source and the merge Bitbucket tests.
  { label: 'refs/pull-requests/*', pattern: /^refs\/pull-requests\/[1-9]\d*\/(from|merge)$/ },
  // Gerrit: each patch set of a change under review, in a folder named by the change's last two digits.
  {
    label: 'refs/changes/*',
    pattern: /^refs\/changes\/\d\d\/[1-9]\d*\/[1-9]\d*$/,
    fits: gerritShardFits,
  },
  // Gerrit: the project's access rights and settings (project.config, groups), a history of its own
  // that Gerrit's administrators change; no branch's code.
  { label: 'refs/meta/config', pattern: /^refs\/meta\/config$/ },
];

/** Whether `name` has a forge family's name (the candidates whose object type is asked). */
export const isForgeRefName = (name: string): boolean => FORGE_REF_FAMILIES.some((f) => f.pattern.test(name));

/** The family of a ref named `name` holding commit `oid`, when it has that family's whole shape. */
export function forgeRefFamily(name: string, oid: string): ForgeRefFamily | undefined {
  return FORGE_REF_FAMILIES.find((f) => f.pattern.test(name) && (f.fits?.(name, oid) ?? true));
}
