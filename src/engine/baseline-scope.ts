// A baseline inside the audited work tree is history like the policy: an entry that a commit in the
// audited scope added (its version lists it, none of its parents' does) suppresses nothing, so a
// change cannot accept its own finding by writing it into the baseline. The file's first version (no
// parent holds it) counts as written, as the trust root by its policy; with --base, what the accepted
// history wrote counts. A baseline outside the repository is the user's word and counts whole.
import { relative, resolve, sep, isAbsolute } from 'node:path';
import { gitText, runGit } from '../collect/git.js';
import type { RepositoryInfo } from '../domain/model.js';
import type { Baseline } from './baseline.js';

/** A version's entries, as `rule\0fingerprint` (one that does not read lists none). */
function entriesOf(text: string | undefined): Set<string> {
  try {
    const d = JSON.parse(text ?? '') as Baseline;
    return new Set(d.findings.map((e) => `${e.rule}\0${e.fingerprint}`));
  } catch {
    return new Set();
  }
}

/** The baseline without the entries a commit in `revisions` (the walk's) added to its file in the work tree. */
export async function acceptedBaseline(
  repo: RepositoryInfo,
  file: string,
  baseline: Baseline,
  revisions: readonly string[],
): Promise<Baseline> {
  if (!repo.workTree || !revisions.length) return baseline;
  const rel = relative(resolve(repo.workTree), resolve(file));
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return baseline;
  const path = `:(literal)${rel.split(sep).join('/')}`;
  const opts = { gitDir: repo.gitDir };
  const listed = await gitText(['log', '--full-history', '--no-renames', '--format=%H %P', '--stdin', '--', path], {
    ...opts,
    input: `${revisions.join('\n')}\n`,
  });
  const versions = new Map<string, Set<string> | undefined>();
  const at = async (commit: string): Promise<Set<string> | undefined> => {
    if (!versions.has(commit)) {
      const res = await runGit(['cat-file', 'blob', `${commit}:${rel.split(sep).join('/')}`], {
        ...opts,
        okCodes: [128],
      });
      versions.set(commit, res.code === 0 ? entriesOf(res.stdout.toString('utf8')) : undefined);
    }
    return versions.get(commit);
  };
  const added = new Set<string>();
  for (const line of listed.split('\n').filter(Boolean)) {
    const [commit, ...parents] = line.split(' ');
    const held = (await Promise.all(parents.map(at))).filter((v): v is Set<string> => !!v);
    if (!held.length) continue; // the file's first version
    for (const e of (await at(commit!)) ?? []) if (!held.some((p) => p.has(e))) added.add(e);
  }
  if (!added.size) return baseline;
  return { ...baseline, findings: baseline.findings.filter((e) => !added.has(`${e.rule}\0${e.fingerprint}`)) };
}
