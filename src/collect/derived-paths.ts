// Protected files whose place is not fixed, found in the tip's tree: every `.gitattributes` below
// the root (git applies each one to its folder: `merge=ours`, `-diff` or a filter there steer merges
// and reviews as the top one does), and the files the CI configuration runs besides itself
// (domain/ci-references.ts). Each is watched like the protected path it stands for, its origin.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CI_PATHS, watchList } from '../domain/protected-paths.js';
import { WORKFLOW_FOLDERS } from '../domain/ci-systems.js';
import { POLICY_DIR } from '../domain/trust.js';
import { ROOT_ACTION, runsFile } from '../domain/ci-references.js';
import { actionFiles, ciReferencesIn, ciVariables, runCommands } from './ci-yaml.js';
import { gateChains } from './gate-chains.js';
import { StopsAuditError } from '../errors.js';
import { ObjectTooLargeError, parseTree, type GitObject, type ObjectReader, type TreeEntry } from './objects.js';
import { MissingObjectError } from './missing-object.js';
import { canonicalMode, LINK_MODE } from './tree-entry.js';
import { unionDerived, type DerivedFound } from '../domain/derived-union.js';
import { rangeDerived } from './derived-range.js';
import type { RangeMemo } from './range-memo.js';

/** At most this many derived paths (the walk compares each commit's entries at every one). */
const MAX_DERIVED = 512;

import { ATTRIBUTES, nestedAttributes } from './nested-attributes.js';

/**
 * `origins`: a derived watched path -> the protected path it counts as ('.gitattributes',
 * '.github/workflows', '.gitlab-ci.yml'); `ciHolders`: see originsAt.
 */
export interface DerivedWatch {
  origins: ReadonlyMap<string, string>;
  ciHolders: ReadonlySet<string>;
  /**
   * Derived paths no reference names itself (a link on the way, where it leads, a name in another
   * case, what an action runs by path): whether a parent's CI ran them is not asked, they count.
   */
  indirect: ReadonlySet<string>;
  /**
   * Derived files the CI runs in parts (package.json's scripts, a Makefile's targets), with the parts
   * on the chain to gitguard: only a change there counts (domain/ci-commands.ts chainPart).
   */
  parts: ReadonlyMap<string, readonly string[]>;
  /**
   * Derived files the CI's commands run that lead to no gitguard at the tip: a change there counts
   * only where the file before or after it names gitguard (in its parts on the chain, if any): a
   * signer may have taken the gate out there, and the tip then has no chain to protect.
   */
  ranOnly: ReadonlySet<string>;
  /** Files of the CI configuration at the tip a partial clone left out: what they run is not known. */
  unread: ReadonlySet<string>;
  /** The most commits of the range read, where more changed a file the CI runs (derived-range.ts). */
  rangeCut?: number;
}

export const NO_DERIVED: DerivedWatch = {
  origins: new Map(),
  ciHolders: new Set(),
  indirect: new Set(),
  parts: new Map(),
  ranOnly: new Set(),
  unread: new Set(),
};

/** At most this many bytes of a file the CI reads are read (a workflow is kilobytes; a generated one, megabytes). */
const CI_FILE_MAX = 16 * 1024 * 1024;

/**
 * An object of the CI configuration: null where there is none, undefined where it is not in the
 * repository (a partial clone: what it runs is not known). A file over CI_FILE_MAX is read as empty,
 * running nothing: a gate hidden in such a file counts as removed (fail closed), never as unknown.
 */
export async function readCiObject(
  reader: ObjectReader,
  spec: string,
  blob = false,
): Promise<GitObject | null | undefined> {
  try {
    const max = blob ? CI_FILE_MAX : undefined;
    // A bare id is one a tree named: not there is never "no file" (a deleted or corrupt object read
    // as none hid the gate it held), but unknown in a partial clone and a stopped run elsewhere.
    if (!spec.includes(':')) return await reader.readNamed(spec, `a CI file's object`, max);
    return await reader.read(spec, max);
  } catch (err) {
    if (err instanceof MissingObjectError) return undefined;
    if (err instanceof ObjectTooLargeError) return { oid: err.oid, type: err.type, body: Buffer.alloc(0) };
    throw err;
  }
}

/**
 * At most this many files of one CI folder are read (a Forgejo folder with its subfolders counted
 * together): a forge runs tens; 100,000 workflows took 35 s and 1.1 GB of node.
 */
const MAX_CI_FOLDER_FILES = 1000;

/**
 * The entries of a CI folder's tree (at `path`) that its runner reads, `before` of the folder's
 * files already counted; past MAX_CI_FOLDER_FILES the audit stops: a gate among files left unread
 * would be judged on what was left out.
 */
export function ciFolderFiles(body: Buffer, oidBytes: 20 | 32, path: string, before = 0): TreeEntry[] {
  const files = parseTree(body, oidBytes).filter((e) => runsFile(path, e.name));
  if (before + files.length > MAX_CI_FOLDER_FILES)
    throw new StopsAuditError(
      `${path} holds more than ${MAX_CI_FOLDER_FILES} files its CI reads: gitguard does not read so many`,
    );
  return files;
}

/** Symbolic links followed to resolve one path (git's own checkout allows 40 in a row; a runner reads through them). */
const MAX_LINKS = 16;

/**
 * `path` at `tip` with every symbolic link on its way followed, as a runner reading the checked-out
 * tree through them finds it (`tools/audit -> ../vendor/audit`), and the links passed: all of them
 * are watched, since changing any one changes what runs. A link's target is read from the link's own
 * folder and a `..` from the folder reached so far, as the kernel reads them (`l/../x` with `l -> a/b`
 * is `a/x`: it resolves `l` before it climbs). A link out of the tree, a `..` above the root, or more
 * than MAX_LINKS links ends the resolution where it is (what it points at is outside what git holds).
 */
async function throughLinks(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  tip: string,
  path: string,
): Promise<{ real: string; links: string[] }> {
  const rest = path.split('/').filter((n) => n !== '' && n !== '.');
  const links: string[] = [];
  const done: string[] = [];
  // Where the last link passed stands, with what follows it: the end where its target leaves the tree.
  let atLink = path;
  for (let name = rest.shift(); name !== undefined; name = rest.shift()) {
    if (name === '..') {
      if (!done.length) return { real: atLink, links };
      done.pop();
      continue;
    }
    const parent = done.join('/');
    const tree = await readCiObject(reader, parent ? `${tip}:${parent}` : `${tip}^{tree}`);
    if (tree?.type !== 'tree') return { real: [...done, name, ...rest].join('/'), links };
    const entries = parseTree(tree.body, oidBytes);
    // A Windows or macOS runner finds `Tools` as `tools`: a name that is only there in another case is read so.
    const e = entries.find((t) => t.name === name) ?? entries.find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!e || canonicalMode(e.mode) !== LINK_MODE) {
      done.push(e?.name ?? name);
      continue;
    }
    links.push([...done, e.name].join('/'));
    const target = links.length <= MAX_LINKS ? await readCiObject(reader, e.oid, true) : undefined;
    const to = target?.type === 'blob' ? target.body.toString('utf8') : '';
    atLink = [...done, e.name, ...rest].join('/');
    if (!to || to.includes('\0') || posix.isAbsolute(to)) return { real: atLink, links };
    rest.unshift(...to.split('/').filter((n) => n !== '' && n !== '.'));
  }
  // A path that ends at the root itself (`ci -> .`) is watched at its link, not as the whole tree.
  return { real: done.join('/') || atLink, links };
}

/**
 * The blobs of a path at `tip` a CI runner reads (a file's own, an action folder's action.yml),
 * through symbolic links; `seen` gets the paths they are read at besides `path` (the links and
 * where they lead), to be watched too.
 */
async function ciFilesAt(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  tip: string,
  path: string,
  seen: (p: string) => void,
  unread: Set<string>,
): Promise<Buffer[]> {
  const { real, links } = await throughLinks(reader, oidBytes, tip, path);
  for (const l of links) seen(l);
  if (real !== path) seen(real);
  const o = await readCiObject(reader, `${tip}:${real}`);
  if (o === undefined) unread.add(real);
  if (!o) return [];
  /** What an action.yml in `folder` runs by path, relative to it: watched too, wherever it leads. */
  const ownFiles = async (folder: string, body: Buffer): Promise<void> => {
    for (const f of await actionFiles(body.toString('utf8'))) {
      const p = posix.normalize(posix.join(folder || '.', f));
      if (p !== '..' && !p.startsWith('../') && !posix.isAbsolute(p) && p !== '.') seen(p);
    }
  };
  if (o.type === 'blob') {
    // `uses: ./` names the root's action.yml itself.
    if (ROOT_ACTION.includes(real)) await ownFiles('', o.body);
    return [o.body];
  }
  if (o.type !== 'tree') return [];
  const out: Buffer[] = [];
  for (const e of ciFolderFiles(o.body, oidBytes, path)) {
    let oid = e.oid;
    if (canonicalMode(e.mode) === LINK_MODE) {
      // The runner reads the file the link leads to (a folder there runs nothing).
      const to = await throughLinks(reader, oidBytes, tip, `${real}/${e.name}`);
      for (const l of to.links) seen(l);
      seen(to.real);
      const target = await readCiObject(reader, `${tip}:${to.real}`);
      if (target === undefined) unread.add(to.real);
      if (target?.type !== 'blob') continue;
      oid = target.oid;
    }
    const b = await readCiObject(reader, oid, true);
    if (b === undefined) unread.add(`${real}/${e.name}`);
    if (b?.type !== 'blob') continue;
    out.push(b.body);
    if (!WORKFLOW_FOLDERS.includes(path)) await ownFiles(real, b.body);
  }
  return out;
}

/** The files the CI configuration at `tip` runs, followed through the files they run in turn. */
async function ciReferences(reader: ObjectReader, oidBytes: 20 | 32, tip: string): Promise<DerivedFound> {
  const found = new Map<string, string>();
  const indirect = new Set<string>();
  /** Files the chains run in parts (a package script, a make target), and those watched whole all the same. */
  const parts = new Map<string, string[]>();
  const whole = new Set<string>();
  /** Files the commands run that lead to no gitguard at the tip (domain/protected-paths.ts: see DerivedWatch.spare). */
  const spare = new Map<string, { origin: string; entries: string[] | undefined }>();
  const unread = new Set<string>();
  const queue: Array<[string, string]> = CI_PATHS.map((p) => [p, p]);
  const watch = (p: string, origin: string): void => {
    if (found.has(p) || CI_PATHS.includes(p)) return;
    found.set(p, origin);
    indirect.add(p);
  };
  // The CI's files first, then their commands: a variable one file sets (an included GitLab file's
  // `variables:`) reaches the commands of the others (domain/ci-variables.ts).
  const texts: Array<[string, string]> = [];
  for (let i = 0; i < queue.length && found.size < MAX_DERIVED; i += 1) {
    const [path, origin] = queue[i]!;
    const seen = (p: string): void => {
      whole.add(p);
      watch(p, origin);
    };
    for (const body of await ciFilesAt(reader, oidBytes, tip, path, seen, unread)) {
      const text = body.toString('utf8');
      texts.push([text, origin]);
      for (const ref of await ciReferencesIn(text, origin)) {
        if (CI_PATHS.some((c) => ref === c || ref.startsWith(`${c}/`))) continue;
        whole.add(ref);
        if (found.has(ref)) continue;
        found.set(ref, origin);
        // A glob (a GitLab `local: ci/*.yml`) is watched at its folder and not read further.
        if (!/[*?[\]{}]/.test(ref)) queue.push([ref, origin]);
      }
    }
  }
  // A text past the allowance for line readings gives none: what it runs is reported not watched (commandsRefused).
  const values = (await Promise.all(texts.map(async ([t, o]) => (await ciVariables(t, o)) ?? []))).flat();
  for (const [text, origin] of texts) {
    if (found.size >= MAX_DERIVED) break;
    const { chain, ran } = await gateChains(
      (spec) => readCiObject(reader, spec, true),
      oidBytes,
      tip,
      (await runCommands(text, origin)) ?? [],
      values,
    );
    for (const [p, entries] of chain) {
      if (entries) parts.set(p, [...new Set([...(parts.get(p) ?? []), ...entries])]);
      else whole.add(p);
      watch(p, origin);
    }
    for (const [p, entries] of ran) {
      const had = spare.get(p);
      if (!chain.has(p))
        spare.set(p, { origin, entries: entries && (!had || had.entries) && [...(had?.entries ?? []), ...entries] });
    }
  }
  // A file run that leads to gitguard nowhere at the tip may be where a signer took the gate out:
  // watched, and a change there counts where either side names gitguard (watched-changes.ts).
  const ranOnly = new Set<string>();
  for (const [p, { origin, entries }] of spare) {
    if (found.has(p) || CI_PATHS.includes(p) || found.size >= MAX_DERIVED) continue;
    found.set(p, origin);
    indirect.add(p);
    ranOnly.add(p);
    if (entries) parts.set(p, [...new Set(entries)]);
  }
  for (const p of whole) parts.delete(p);
  return { paths: found, indirect, parts, ranOnly, unread };
}

/**
 * The paths watched besides the policy's: the files the CI runs at the tip, at `start` (--base, else
 * the trust root) and at the commits of `range` changing them (derived-range.ts), a file the chain ran
 * at any watched (domain/derived-union.ts); the nested attributes, at the tip. `memo`: an earlier run's range
 * search to resume (range-memo.ts). A damaged object at the start leaves
 * the tip's alone: the walk reads the start and reports a rewritten commit (objects-intact).
 */
export async function derivedPaths(
  gitDir: string,
  reader: ObjectReader,
  oidBytes: 20 | 32,
  tip: string,
  start: string | undefined,
  range: readonly string[] = [],
  memo?: RangeMemo,
): Promise<DerivedFound> {
  const at = (c: string): Promise<DerivedFound | undefined> =>
    ciReferences(reader, oidBytes, c).catch((err: unknown) => {
      if (err instanceof StopsAuditError) return undefined;
      throw err;
    });
  const atStart = start && start !== tip ? await at(start) : undefined;
  const ends = unionDerived(await ciReferences(reader, oidBytes, tip), atStart);
  const out = await rangeDerived(gitDir, range, ends, [tip, ...(start ? [start] : [])], at, reader, memo);
  // At least a few for the attributes, however many the CI named (the cap bounds work, not what is watched).
  for (const p of await nestedAttributes(gitDir, tip, Math.max(MAX_DERIVED - out.paths.size, 64)))
    out.paths.set(p, ATTRIBUTES);
  return out;
}

/**
 * The derived paths to watch besides `fixed` (the policy's and the CI's), each at its folder without
 * wildcards, with its origin: one `fixed` already holds (at or above it) is left out, as is one
 * folded into another derived path (which keeps its own origin). `ciHolders`: the paths of `fixed`
 * that hold a file the CI runs (`.github/actions` holding `.github/actions/audit`): a change there
 * may change the CI gate.
 */
export function originsAt(derived: DerivedFound, fixed: readonly string[]): DerivedWatch {
  const byWatch = new Map<string, string>();
  const ciHolders = new Set<string>();
  const indirect = new Set<string>();
  for (const [ref, origin] of derived.paths) {
    const w = watchList([ref]).paths[0];
    if (w && derived.indirect.has(ref)) indirect.add(w);
    // The policy folder is watched first, by its own rule (policy-changes-authorized).
    if (!w || w === POLICY_DIR || w.startsWith(`${POLICY_DIR}/`)) continue;
    const holders = fixed.filter((f) => w === f || w.startsWith(`${f}/`));
    if (holders.length) {
      if (origin !== ATTRIBUTES) for (const f of holders) ciHolders.add(f);
      continue;
    }
    if (!byWatch.has(w)) byWatch.set(w, origin);
  }
  const kept = watchList([...byWatch.keys()]).paths;
  const parts = new Map(kept.flatMap((w) => (derived.parts.has(w) ? [[w, derived.parts.get(w)!] as const] : [])));
  const ranOnly = new Set(kept.filter((w) => derived.ranOnly.has(w)));
  const origins = new Map(kept.map((w) => [w, byWatch.get(w)!]));
  const cut = derived.rangeCut ? { rangeCut: derived.rangeCut } : {};
  return { origins, ciHolders, indirect, parts, ranOnly, unread: derived.unread, ...cut };
}

/** What a checkpoint is keyed by: the derived paths, origins and parts watched ('' none). */
export function derivedKey({ origins, parts, ranOnly }: Pick<DerivedWatch, 'origins' | 'parts' | 'ranOnly'>): string {
  if (!origins.size) return '';
  const text = [...origins]
    .map(([p, o]) => `${p}\0${o}\0${parts.get(p)?.join(' ') ?? '*'}\0${ranOnly.has(p) ? 'ran' : ''}`)
    .join('\n');
  return createHash('sha256').update(text).digest('hex');
}
