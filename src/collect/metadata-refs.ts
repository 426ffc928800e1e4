// Refs that hold no branch of code, judged by what they are when every ref is walked (--all) and
// when a push reaches the hooks: refs/stash (git stash's WIP, index and untracked commits, which git
// never signs: local scratch), refs/notes/* (git notes commits, which git cannot sign; their trees
// hold notes about other objects; Gerrit's NoteDb refs/changes/*/meta are such notes too) and a forge's refs (forge-refs.ts: proposals not yet merged, and
// commits a forge keeps around). Anything that is not what its name says is judged as a branch: a
// stash not of git's shape, a notes history with a file that is not a note or a commit that descends
// from a branch, a forge ref of another shape or naming no commit. A branch never loses its walk:
// commits a branch reaches are walked with it, so nothing these refs hold can enter a branch unjudged.
import { gitText } from './git.js';
import { forgeRefFamily, isForgeRefName, isGerritChangeNotesRef } from './forge-refs.js';

export interface RefTip {
  name: string;
  /** The object the ref names, a tag peeled. */
  oid: string;
  /** The type of the object the ref itself names: only a commit can be a stash or notes. */
  type?: string;
}

export interface MetadataSplit {
  /** The tips to walk: every other ref's, a stash's base commit, a notes ref that is not only notes. */
  tips: string[];
  /** What was left out, for the scope's description ("" when nothing). */
  leftOut: string;
  /** The commits left out that a push of these refs still publishes (notes, a stash's WIP): the
   *  secrets scan reads them all the same (`git notes show`, `git stash show -p` print their text). */
  unwalked: string[];
}

const isStashRef = (name: string): boolean => name === 'refs/stash';
const isNotesRef = (name: string): boolean => name.startsWith('refs/notes/') || isGerritChangeNotesRef(name);
/** A ref whose commits the signature rules may not judge, so none of them counts as judged. */
export const isMetadataRef = (name: string): boolean => isStashRef(name) || isNotesRef(name) || isForgeRefName(name);

const opts = (gitDir: string, input?: string) => ({ gitDir, timeoutMs: 120_000, ...(input ? { input } : {}) });

/** Each commit's parents, as rev-list prints them with --parents ("<commit> <parent>..." per line). */
function parentsByCommit(out: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const [oid, ...parents] = line.trim().split(' ');
    if (oid) map.set(oid, parents);
  }
  return map;
}

/**
 * The commit a stash was made on, when `oid` has git stash's shape: a WIP commit whose parents are
 * that commit, the index commit (its only parent that same commit) and, with -u, a root commit of
 * the untracked files. Undefined for anything else.
 */
async function stashBase(gitDir: string, oid: string): Promise<string | undefined> {
  const wip = parentsByCommit(await gitText(['rev-list', '--parents', '--max-count=1', oid, '--'], opts(gitDir)));
  const parents = wip.get(oid);
  if (!parents || parents.length < 2 || parents.length > 3) return undefined;
  const [base, index, untracked] = parents as [string, string, string | undefined];
  const more = parentsByCommit(
    await gitText(
      ['rev-list', '--parents', '--no-walk=unsorted', '--stdin'],
      opts(gitDir, `${[index, ...(untracked ? [untracked] : [])].join('\n')}\n`),
    ),
  );
  if (more.get(index)?.join(' ') !== base) return undefined;
  if (untracked !== undefined && more.get(untracked)?.length !== 0) return undefined;
  return base;
}

/** Whether `path` names a note: the annotated object's id in hex, split into two-digit fan-out folders. */
function isNotePath(path: string, hexLength: number): boolean {
  const parts = path.split('/');
  if (parts.slice(0, -1).some((p) => p.length !== 2)) return false;
  const hex = parts.join('');
  return hex.length === hexLength && /^[0-9a-f]+$/.test(hex);
}

/**
 * Whether the commits only these notes refs reach (not `others`) are all notes commits: each one's
 * parents among them, and each change against its first parent (its whole tree for the first) a
 * note, a plain file at a note's path. By induction every such commit's tree holds notes alone.
 */
async function onlyNotes(gitDir: string, notes: string[], others: string[], hexLength: number): Promise<boolean> {
  // Asked once per repository and run though --all opens the walk and the secrets scan each (a long
  // notes history costs a git log -r); per git dir, as an object one repository lacks changes it.
  const key = `${gitDir}\0${hexLength} ${notes.join(',')} ^${others.join(',')}`;
  let answer = recent.get(key);
  if (!answer) {
    // What git cannot read (a missing object) is not vouched for: the ref is walked, and the walk says why.
    answer = notesOnly(gitDir, notes, others, hexLength).catch(() => {
      recent.delete(key);
      return false;
    });
    recent.set(key, answer);
    if (recent.size > 8) recent.delete(recent.keys().next().value!);
  }
  return answer;
}
const recent = new Map<string, Promise<boolean>>();

async function notesOnly(gitDir: string, notes: string[], others: string[], hexLength: number): Promise<boolean> {
  const stdin = [...notes, ...others.map((o) => `^${o}`), ''].join('\n');
  const commits = parentsByCommit(await gitText(['rev-list', '--parents', '--stdin'], opts(gitDir, stdin)));
  for (const parents of commits.values()) if (parents.some((p) => !commits.has(p))) return false;
  const raw = await gitText(
    ['log', '--format=', '--raw', '-r', '--no-abbrev', '--no-renames', '--diff-merges=first-parent', '--stdin'],
    opts(gitDir, stdin),
  );
  for (const line of raw.split('\n')) {
    if (!line) continue;
    // ":<old mode> <new mode> <old id> <new id> <status>\t<path>"
    const m = /^:\d{6} (\d{6}) [0-9a-f]+ [0-9a-f]+ [A-Z]\d*\t(.*)$/s.exec(line);
    if (!m || !(m[1] === '100644' || m[1] === '000000') || !isNotePath(m[2]!, hexLength)) return false;
  }
  return true;
}

/**
 * The tips to walk for `refs` (every ref, tags peeled; refs/replace/* already left out): a stash of
 * git's shape by the commit it was made on, notes refs left out when they hold notes alone, a forge's
 * refs of their family's shape left out.
 * `alsoWalked` are further tips a notes history must not reach (the other tips of a push);
 * `forgeCounted` the forge refs the listing already left out, per family (ref-list.ts).
 */
export async function splitMetadataRefs(
  gitDir: string,
  refs: readonly RefTip[],
  hexLength: number,
  alsoWalked: readonly string[] = [],
  forgeCounted: Readonly<Record<string, number>> = {},
): Promise<MetadataSplit> {
  const tips = new Set<string>();
  const unwalked = new Set<string>();
  const notes: RefTip[] = [];
  const said: string[] = [];
  const forge = new Map(Object.entries(forgeCounted)); // refs left out per forge family
  // A pushed id's type is not known yet: asked of git for the candidates alone.
  const untyped = refs.filter((r) => r.type === undefined && isMetadataRef(r.name));
  const types = new Map<string, string>();
  if (untyped.length) {
    const out = await gitText(
      ['cat-file', '--batch-check=%(objectname) %(objecttype)'],
      opts(gitDir, `${untyped.map((r) => r.oid).join('\n')}\n`),
    );
    for (const line of out.split('\n')) {
      const [oid, type] = line.split(' ');
      if (oid && type) types.set(oid, type);
    }
  }
  for (const r of refs) {
    const commit = (r.type ?? types.get(r.oid)) === 'commit';
    const family = commit ? forgeRefFamily(r.name, r.oid) : undefined;
    if (family) forge.set(family.label, (forge.get(family.label) ?? 0) + 1);
    else if (commit && isNotesRef(r.name)) notes.push(r);
    else if (commit && isStashRef(r.name)) {
      const base = await stashBase(gitDir, r.oid).catch(() => undefined);
      tips.add(base ?? r.oid);
      if (base) unwalked.add(r.oid);
      if (base) said.push('refs/stash (its WIP commits; the commit it was made on is walked)');
    } else tips.add(r.oid);
  }
  if (notes.length) {
    const noteTips = [...new Set(notes.map((r) => r.oid))];
    if (await onlyNotes(gitDir, noteTips, [...tips, ...alsoWalked], hexLength)) {
      said.push(`${notes.length} notes ref${notes.length === 1 ? '' : 's'} (notes alone)`);
      for (const t of noteTips) unwalked.add(t);
    } else for (const t of noteTips) tips.add(t);
  }
  if (forge.size) {
    const count = [...forge.values()].reduce((a, b) => a + b, 0);
    const each = [...forge].map(([label, n]) => `${label}: ${n}`).join(', ');
    said.push(`${count} forge ref${count === 1 ? '' : 's'} (${each})`);
  }
  return { tips: [...tips], leftOut: said.length ? `left out: ${said.join(', ')}` : '', unwalked: [...unwalked] };
}
