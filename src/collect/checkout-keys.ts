// A key file named by --keyring or --allowed-signers that lies in the audited work tree is part of
// the history under audit: a commit that changes it is judged by the file as its first parent had
// it, never by the keys it wrote there itself (a commit cannot vouch for itself, as a policy change
// is judged by the policy before it). Other commits, and every file outside the work tree
// (~/.ssh/allowed_signers, $RUNNER_TEMP/...), are judged by the files as read today.
import { createHash } from 'node:crypto';
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { CommitRecord } from '../domain/commit.js';
import type { TrustedKeys } from './signatures/verify.js';
import type { ObjectReader } from './objects.js';
import type { TrustVerifier } from './trust-verifier.js';
import { ExpectedError } from '../errors.js';
import { createShadow, gitText, runGit } from './git.js';
import { readBoundedIfExists } from './safe-fs.js';
import { canonicalMode, entryNamed, SUBMODULE_MODE } from './tree-entry.js';
import { keysOfFiles, type KeyFileData, type UserKeys } from './user-keys.js';

/** The keys one commit is judged by, under the id the verifier knows them by. */
export interface CommitKeys {
  trustId: string;
  keys: TrustedKeys;
}

/** `file`'s paths in the work tree, as typed and through its links (none when it lies outside). */
function workTreePaths(file: string, workTree: string | undefined): string[] {
  if (!workTree) return [];
  const out = [insideTree(resolve(file), resolve(workTree)), insideTree(realOf(file), realOf(workTree))];
  return [...new Set(out.filter((p): p is string => !!p))];
}

/** `f`'s path under `top` with / between names (undefined: outside it, or `top` itself). */
function insideTree(f: string, top: string): string | undefined {
  const rel = relative(top, f);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
}

function realOf(f: string): string {
  try {
    return realpathSync.native(f);
  } catch {
    return f;
  }
}

/**
 * The symbolic links of the work tree that `file`'s typed path goes through (a link to a link too),
 * each at its path in the tree: git's trees do not follow them (`<commit>:keys/allowed` names
 * nothing when `keys` is a link), so a commit pointing one elsewhere changes the file unseen at its
 * paths (it writes one no parent holds where the tip's link leads).
 */
function linksOnTheWay(file: string, workTree: string | undefined): string[] {
  if (!workTree) return [];
  const typed = insideTree(resolve(file), resolve(workTree));
  if (!typed) return [];
  const top = realOf(workTree);
  const links: string[] = [];
  let done: string[] = [];
  let todo = typed.split('/');
  while (todo.length && links.length <= 40) {
    const name = todo.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (!done.pop()) break; // out of the tree
      continue;
    }
    const at = [...done, name].join('/');
    let target: string | undefined;
    try {
      if (lstatSync(join(top, at)).isSymbolicLink()) target = readlinkSync(join(top, at));
    } catch {
      break;
    }
    if (target === undefined) {
      done.push(name);
      continue;
    }
    links.push(at);
    const inTree = isAbsolute(target) ? insideTree(target, top) : target;
    if (inTree === undefined) break;
    if (isAbsolute(target)) done = [];
    todo = [...inTree.split('/'), ...todo];
  }
  return links;
}

/**
 * The outermost folder above each path that is a repository of its own in the work tree (a
 * submodule): a commit changes the file there by moving its gitlink, which `git log -- <path>` does
 * not list and `<commit>:<path>` does not read.
 */
function nestedRepos(paths: readonly string[], workTree: string | undefined): Link[] {
  if (!workTree) return [];
  const out: Link[] = [];
  for (const path of paths) {
    const names = path.split('/');
    for (let i = 1; i < names.length; i++) {
      const prefix = names.slice(0, i).join('/');
      try {
        lstatSync(join(workTree, prefix, '.git'));
      } catch {
        continue;
      }
      out.push({ prefix, rest: names.slice(i).join('/'), dir: join(workTree, prefix) });
      break;
    }
  }
  return out;
}

interface Link {
  /** The gitlink's path in the audited repository, the file's path in the submodule, its folder. */
  prefix: string;
  rest: string;
  dir: string;
}

/** What a commit holds at one place of a key file: an id to compare and the bytes (undefined: none). */
interface Held {
  id: string;
  body(): Promise<Buffer | undefined>;
}

interface KeyFile {
  kind: 'pgp' | 'ssh';
  file: string;
  data: Buffer;
  /** Its paths in the work tree: where a commit may change it. */
  paths: string[];
  /** The submodules it lies in (their gitlinks move it too). */
  links: Link[];
  /** The symbolic links on the way to it (linksOnTheWay): a commit moving one vouches for no one. */
  ways: string[];
}

export class CheckoutKeys {
  private readonly files: KeyFile[];
  private readonly byParentFiles = new Map<string, Promise<CommitKeys>>();

  constructor(
    private readonly reader: ObjectReader,
    private readonly verifier: TrustVerifier,
    keys: UserKeys,
    workTree: string | undefined,
  ) {
    this.files = [
      ...keys.raw.openpgp.map((k) => ({ kind: 'pgp' as const, file: k.file, data: Buffer.from(k.data) })),
      ...keys.raw.allowedSigners.map((k) => ({ kind: 'ssh' as const, file: k.file, data: Buffer.from(k.text) })),
    ].map((k) => {
      const paths = workTreePaths(k.file, workTree);
      return { ...k, paths, links: nestedRepos(paths, workTree), ways: linksOnTheWay(k.file, workTree) };
    });
  }

  /** Whether any key file lies in the work tree (else every commit is judged by the files as read). */
  get watching(): boolean {
    return this.files.some((f) => f.paths.length > 0);
  }

  /**
   * The keys `commit` is judged by when it changes a key file of the work tree from a parent's (the
   * first parent holding the file: a merge keeping its second parent's file changes the first's);
   * undefined: the files as read. A file no parent holds starts its history here (as a root commit's),
   * judged as read: the gate that names it could not run before it; unless an accepted base of the
   * audit (`^rev`) holds it: a branch forked before the file existed, or an unrelated root, is then
   * judged by the base's file, not by the one it writes.
   */
  of(commit: CommitRecord): CommitKeys | undefined | Promise<CommitKeys | undefined> {
    if (!this.watching) return undefined;
    // Most commits leave the files alone: known from one `git log` of the walk's revisions.
    if (this.changing && !this.changing.has(commit.oid)) return undefined;
    return this.judge(commit);
  }

  /**
   * Lists once the commits of `revisions` (the walk's, or more) that change a key file of the work
   * tree; a commit not listed is judged by the files as read without reading its trees.
   */
  async scope(gitDir: string, revisions: readonly string[]): Promise<void> {
    const paths = this.files.flatMap((f) => [...f.paths, ...f.links.map((l) => l.prefix), ...f.ways]);
    if (!paths.length || !revisions.length) return;
    this.changing = await commitsChanging(gitDir, paths, revisions);
    this.bases = revisions.filter((r) => r.startsWith('^')).map((r) => r.slice(1));
  }

  private changing: Set<string> | undefined;
  /** The audit's accepted bases: where a file a commit creates was already vouched for. */
  private bases: string[] = [];

  /** `f` as the first base holding it has it (undefined: no base holds it). */
  private async atBase(f: KeyFile): Promise<{ data: Buffer | undefined } | undefined> {
    for (const base of this.bases)
      for (const held of (await this.collect(base, f)).values()) if (held) return { data: await held.body() };
    return undefined;
  }

  private collect(rev: string, f: KeyFile): Promise<Map<string, Held | undefined>> {
    return placesAt(this.reader, rev, f.paths, f.links, f.ways);
  }

  private async judge(commit: CommitRecord): Promise<CommitKeys | undefined> {
    const before: Array<Buffer | undefined> = [];
    let changed = false;
    for (const f of this.files) {
      let data: Buffer | undefined = f.data;
      let created = false; // the commit holds the file where none of its parents does
      const parents = await Promise.all(commit.parents.map((p) => this.collect(p, f)));
      search: for (const [place, own] of await this.collect(commit.oid, f)) {
        let held = false;
        for (const was of parents.map((p) => p.get(place))) {
          if (!was) continue;
          held = true;
          // The first parent holding the file is the one compared: a merge keeping it changes nothing,
          // whatever an older side branch held (its signer was listed there, git reads G).
          if (was.id === own?.id) break;
          data = await was.body();
          changed = true;
          created = false;
          break search;
        }
        if (own && !held) created = true;
      }
      const base = created ? await this.atBase(f) : undefined;
      if (base) {
        data = base.data;
        changed = true;
      }
      before.push(data);
    }
    if (!changed) return undefined;
    const id = createHash('sha256');
    for (const [i, d] of before.entries()) id.update(`${this.files[i]!.kind}\0${d ? d.length : -1}\0`).update(d ?? '');
    const key = id.digest('hex');
    let keys = this.byParentFiles.get(key);
    if (!keys) {
      keys = this.load(before);
      this.byParentFiles.set(key, keys);
    }
    return keys;
  }

  private async load(before: Array<Buffer | undefined>): Promise<CommitKeys> {
    const pick = (kind: KeyFile['kind']): KeyFileData =>
      this.files.flatMap((f, i) => (f.kind === kind && before[i] ? [{ file: f.file, data: before[i] }] : []));
    let keys: UserKeys;
    try {
      keys = await keysOfFiles(pick('pgp'), pick('ssh'), undefined);
    } catch {
      // A parent's file that does not parse vouches for no one.
      keys = await keysOfFiles([], [], undefined);
    }
    const trustId = `keys:${keys.id}`;
    this.verifier.addRawKeys(trustId, keys.raw);
    return { trustId, keys };
  }
}

/**
 * What `rev` holds at each place of a key file: its paths, then the gitlinks above them, then the
 * symbolic links on the way to it (`ways`, whose change vouches for no one: the file a moved link
 * led to is not followed through the trees).
 */
async function placesAt(
  reader: ObjectReader,
  rev: string,
  paths: readonly string[],
  links: readonly Link[],
  ways: readonly string[],
): Promise<Map<string, Held | undefined>> {
  const out = new Map<string, Held | undefined>();
  for (const way of ways) {
    const o = await reader.read(`${rev}:${way}`);
    out.set(`\0${way}`, o ? { id: o.oid, body: () => Promise.resolve(undefined) } : undefined);
  }
  for (const path of paths) {
    const o = await reader.read(`${rev}:${path}`);
    // a link or folder there vouches for no one
    out.set(path, o ? { id: o.oid, body: async () => (o.type === 'blob' ? o.body : undefined) } : undefined);
  }
  for (const link of links) {
    const oid = await gitlinkAt(reader, rev, link.prefix);
    out.set(link.prefix, oid ? { id: `${SUBMODULE_MODE} ${oid}`, body: () => inSubmodule(link, oid) } : undefined);
  }
  return out;
}

/** The submodule commit `rev` records at `prefix` (undefined: none there). */
async function gitlinkAt(reader: ObjectReader, rev: string, prefix: string): Promise<string | undefined> {
  const cut = prefix.lastIndexOf('/');
  const tree = await reader.read(`${rev}:${prefix.slice(0, Math.max(cut, 0))}`);
  if (tree?.type !== 'tree') return undefined;
  const entry = entryNamed(tree.body, rev.length === 64 ? 32 : 20, prefix.slice(cut + 1));
  return entry && canonicalMode(entry.mode) === SUBMODULE_MODE ? entry.oid : undefined;
}

/**
 * The file at `link.rest` in the submodule's commit `oid`, read from its own git dir (the folder's
 * .git, or the one its .git file names) through a shadow of ours, never the submodule's config;
 * undefined when that store cannot give it (then it vouches for no one).
 */
async function inSubmodule(link: Link, oid: string): Promise<Buffer | undefined> {
  let gitDir = join(link.dir, '.git');
  try {
    const text = readBoundedIfExists(gitDir, 4096)?.toString('utf8');
    const named = text && /^gitdir: (.+)$/m.exec(text);
    if (named) gitDir = resolve(link.dir, named[1]!.trim());
    const common = readBoundedIfExists(join(gitDir, 'commondir'), 4096)?.toString('utf8').trim();
    if (common) gitDir = resolve(gitDir, common);
  } catch {
    // a .git folder: read as it is
  }
  const shadow = createShadow(gitDir, oid.length === 64 ? 'sha256' : 'sha1');
  try {
    const res = await runGit(['cat-file', 'blob', `${oid}:${link.rest}`], {
      gitDir: shadow.gitDir,
      okCodes: [128],
      maxBytes: 64 * 1024 * 1024,
    });
    return res.code === 0 ? res.stdout : undefined;
  } catch {
    return undefined;
  } finally {
    shadow.dispose();
  }
}

/**
 * Every version of `file` (a --revoked-keys list) that the commits in `revisions` changing it, and
 * their parents, hold when it lies in the work tree: a revocation once listed in scope stays, so a
 * commit cannot take its own key off the list (revocation is monotonic, as a policy's).
 */
export async function versionsInScope(
  gitDir: string,
  reader: ObjectReader,
  file: string,
  workTree: string | undefined,
  revisions: readonly string[],
): Promise<Buffer[]> {
  const paths = workTreePaths(file, workTree);
  const links = nestedRepos(paths, workTree);
  if (!paths.length || !revisions.length) return [];
  const ways = linksOnTheWay(file, workTree);
  const seen = new Set<string>();
  const versions: Buffer[] = [];
  const watched = [...paths, ...links.map((l) => l.prefix), ...ways];
  const wayIds = new Set<string>();
  for (const commit of await commitsChanging(gitDir, watched, revisions, true)) {
    const places = await placesAt(reader, commit, paths, links, ways);
    wayIds.add(ways.map((w) => places.get(`\0${w}`)?.id ?? '-').join(' '));
    if (wayIds.size > 1)
      throw new ExpectedError(
        `cannot judge revocations: ${file} lies behind a symbolic link of the work tree (${ways.join(', ')}) that a commit of the audit moves, so the lists it led to are not followed`,
        'name the revoked-keys file by its own path in the repository, not through a link',
      );
    for (const held of places.values()) {
      if (!held || seen.has(held.id)) continue;
      seen.add(held.id);
      const body = await held.body();
      if (body) versions.push(body);
    }
  }
  return versions;
}

/** The commits of `revisions` that change one of `paths` from a parent (and, `withParents`, their parents). */
async function commitsChanging(
  gitDir: string,
  paths: readonly string[],
  revisions: readonly string[],
  withParents = false,
): Promise<Set<string>> {
  const listed = await gitText(
    ['log', '--full-history', '--no-renames', `--format=${withParents ? '%H %P' : '%H'}`, '--stdin', '--'].concat(
      paths.map((p) => `:(literal)${p}`),
    ),
    { gitDir, input: `${revisions.join('\n')}\n` },
  );
  return new Set(listed.split(/\s+/).filter(Boolean));
}
