// Refs, HEAD, replace refs, grafts and the shallow boundary: the facts the history rules judge.
import { join } from 'node:path';
import type { HistoryFacts, RefInfo, RepositoryInfo } from '../domain/model.js';
import { ExpectedError } from '../errors.js';
import { gitText, runGit } from './git.js';
import { UnsafeFileError, readBounded, readBoundedIfExists } from './safe-fs.js';
import { alternateLines } from './object-store.js';
import { spellings, within } from './audited-folders.js';
import { forEachRefRecord, listRefs, maxRefs, tooManyRefs } from './ref-list.js';
import { listWorktrees } from './worktrees.js';
import { collectPackedPeels } from './packed-peels.js';
import type { ObjectReader } from './objects.js';

/** The subjects of replaced commits and their replacements: one `cat-file --batch` (plumbing, real objects). */
async function addSubjects(repo: RepositoryInfo, replaceRefs: HistoryFacts['replaceRefs']): Promise<void> {
  const oids = replaceRefs.slice(0, 100).flatMap((r) => [r.replaced, r.replacement]);
  let out: Buffer;
  try {
    out = (
      await runGit(['cat-file', '--batch'], {
        gitDir: repo.gitDir,
        input: `${oids.join('\n')}\n`,
        timeoutMs: 30_000,
        maxBytes: 64 * 1024 * 1024,
      })
    ).stdout;
  } catch {
    return; // the rule still names both objects
  }
  const subjects = new Map<string, string>();
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(10, pos);
    if (nl < 0) break;
    const [oid, type, size] = out.toString('utf8', pos, nl).split(' ');
    if (!size || !oid) {
      pos = nl + 1;
      continue;
    }
    const body = out.subarray(nl + 1, nl + 1 + Number(size));
    pos = nl + 1 + Number(size) + 1;
    if (type !== 'commit') continue;
    const text = body.toString('utf8');
    const start = text.indexOf('\n\n');
    if (start >= 0) subjects.set(oid, text.slice(start + 2).split('\n')[0] ?? '');
  }
  for (const r of replaceRefs) {
    const a = subjects.get(r.replaced);
    const b = subjects.get(r.replacement);
    if (a !== undefined) r.replacedSubject = a;
    if (b !== undefined) r.replacementSubject = b;
  }
}

/**
 * HEAD's branch and commit. The common case — HEAD a plain file naming a branch we just listed,
 * whose tip is a commit — is read directly (a process start costs more than the whole answer);
 * anything else (detached, symlinked, reftable's placeholder, unborn, a tag) is asked of git.
 */
async function resolveHead(repo: RepositoryInfo, refs: RefInfo[]): Promise<{ headRef: string; headOid: string }> {
  try {
    const file = join(repo.gitDir, 'HEAD');
    {
      const m = /^ref: (refs\/heads\/[^\n]+)\n?$/.exec(readBounded(file, 4096).toString('latin1'));
      const tip = m && m[1] !== 'refs/heads/.invalid' ? refs.find((r) => r.name === m[1]) : undefined;
      if (m && tip?.type === 'commit') return { headRef: m[1]!, headOid: tip.oid };
    }
  } catch {
    /* ask git */
  }
  const opts = { gitDir: repo.gitDir, timeoutMs: 60_000 };
  const [headRef, headOid] = await Promise.all([
    gitText(['symbolic-ref', '-q', 'HEAD'], { ...opts, okCodes: [1] }),
    gitText(['rev-parse', '-q', '--verify', '--end-of-options', 'HEAD^{commit}'], { ...opts, okCodes: [1, 128] }),
  ]);
  return { headRef, headOid };
}

/** Control files git reads (grafts, alternates, shallow) are lists of ids or paths: a few MiB at most. */
const CONTROL_FILE_MAX = 16 * 1024 * 1024;

/** A control file's text; undefined when absent; { unreadable } when it is a link, FIFO, device or too large. */
function readRepoFile(file: string): string | { unreadable: string } | undefined {
  try {
    return readBoundedIfExists(file, CONTROL_FILE_MAX)?.toString('utf8');
  } catch (err) {
    if (err instanceof UnsafeFileError) return { unreadable: err.detail };
    throw err;
  }
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/**
 * Each annotated tag's object, fully peeled, read from the objects (`<oid>^{}`): not for-each-ref's
 * `%(*objectname)`, which git 2.44 and later take from the `^` lines of packed-refs, a cache a
 * repository can make lie (a tag "peeled" to a commit on main would keep its real target out of the walk).
 * A tag git will not peel so is read as data: one whose loose object does not hash to its id names its
 * target as git lists it (the tag is then judged B where it is read); one whose target is missing or of
 * another type than it says, which git cannot walk either, stops the run.
 */
async function peelTags(repo: RepositoryInfo, refs: RefInfo[], reader?: ObjectReader): Promise<void> {
  const tags = refs.filter((r) => r.type === 'tag');
  if (!tags.length) return;
  const opts = { gitDir: repo.gitDir, timeoutMs: 60_000 };
  // In slices, so that node never holds all the tags' answers at once beside them.
  const peeled: string[] = [];
  for (let i = 0; i < tags.length; i += PEEL_BATCH) {
    const specs = tags.slice(i, i + PEEL_BATCH).map((r) => `${r.oid}^{}`);
    if (reader) {
      peeled.push(...(await reader.infoOf(specs)).map((o) => o?.oid ?? ''));
      continue;
    }
    const out = await gitText(['cat-file', '--batch-check=%(objectname)'], {
      ...opts,
      input: specs.map((s) => `${s}\n`).join(''),
    });
    peeled.push(...out.split('\n').slice(0, specs.length));
  }
  const unpeeled: RefInfo[] = [];
  tags.forEach((r, i) => {
    const oid = peeled[i]?.trim() ?? '';
    if (OBJECT_ID.test(oid)) r.peeled = oid;
    else unpeeled.push(r);
  });
  if (!unpeeled.length) return;
  // What each such tag names (`object`, `type`), and what that object is: one cat-file each way.
  const heads = await runGit(['cat-file', '--batch'], {
    ...opts,
    input: unpeeled.map((r) => `${r.oid}\n`).join(''),
    maxBytes: 64 * 1024 * 1024,
  });
  const named = new Map<string, { object: string; type: string }>();
  const text = heads.stdout.toString('latin1');
  let pos = 0;
  for (const r of unpeeled) {
    const nl = text.indexOf('\n', pos);
    const size = Number(text.slice(pos, nl).split(' ')[2]);
    if (nl === -1 || !Number.isSafeInteger(size)) break;
    const m = /^object ([0-9a-f]+)\ntype (\w+)\n/.exec(text.slice(nl + 1, nl + 1 + Math.min(size, 200)));
    if (m) named.set(r.name, { object: m[1]!, type: m[2]! });
    pos = nl + 1 + size + 1;
  }
  const types = (
    await gitText(['cat-file', '--batch-check=%(objecttype)'], {
      ...opts,
      input: unpeeled.map((r) => `${named.get(r.name)?.object ?? r.oid}\n`).join(''),
    })
  ).split('\n');
  unpeeled.forEach((r, i) => {
    const n = named.get(r.name);
    if (!n || n.type === 'tag' || types[i] !== n.type)
      throw new ExpectedError(
        `${r.name} names tag ${r.oid}, which git cannot peel to an object (a missing target, or one whose type the tag misstates)`,
        'git fsck names the broken object; delete the ref (git update-ref -d) or fetch the missing object, then run again',
      );
    r.peeled = n.object;
  });
}

/**
 * The object a replace ref replaces, as git 2.39 reads its name (replace-object.c register_replace_ref:
 * what follows the last `/`, whose first 40 or 64 characters are hex digits of either case, the rest
 * ignored); undefined for a name git ignores with "bad replace ref name", which replaces nothing.
 */
function replacedBy(name: string, format: RepositoryInfo['objectFormat']): string | undefined {
  const hex = name.slice(name.lastIndexOf('/') + 1).slice(0, format === 'sha256' ? 64 : 40);
  return /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex) ? hex.toLowerCase() : undefined;
}

/** Tags peeled by one cat-file. */
const PEEL_BATCH = 20_000;
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** `reader`: the run's object reader (FactRun.objects), which answers the refs' types and peels their tags. */
export async function collectHistory(repo: RepositoryInfo, reader?: ObjectReader): Promise<HistoryFacts> {
  const { refs, forgeRefs } = await listRefs(repo.gitDir, maxRefs(), reader);
  await peelTags(repo, refs, reader);
  const packedPeels = await collectPackedPeels(repo.commonDir, repo.gitDir, refs, reader);
  const { headRef, headOid } = await resolveHead(repo, refs);

  const replaceRefs = refs.flatMap((r) => {
    const replaced = r.name.startsWith('refs/replace/') ? replacedBy(r.name, repo.objectFormat) : undefined;
    if (!replaced) return [];
    return [{ replaced, replacement: r.oid, ...(r.name !== `refs/replace/${replaced}` ? { ref: r.name } : {}) }];
  });

  if (replaceRefs.length) await addSubjects(repo, replaceRefs);

  const graftsFile = join(repo.commonDir, 'info', 'grafts');
  const graftsText = readRepoFile(graftsFile);
  const grafts =
    graftsText === undefined
      ? undefined
      : typeof graftsText === 'string'
        ? { file: graftsFile, entries: lines(graftsText) }
        : { file: graftsFile, entries: [], unreadable: graftsText.unreadable };

  // Alternates borrow objects from another folder: one outside the repository can change what it
  // contains. Every line git follows counts, as git reads it (object-store.ts): quoted, through
  // links, and in the alternates files of the stores it names.
  const altFile = join(repo.commonDir, 'objects', 'info', 'alternates');
  const altText = readRepoFile(altFile);
  const alternates =
    altText !== undefined
      ? {
          file: altFile,
          // An unreadable file (a FIFO, a device, a link, too large) is one entry that cannot be vouched for.
          entries:
            typeof altText === 'string'
              ? alternateLines(join(repo.commonDir, 'objects')).map(({ file, line, path }) => ({
                  line: file === altFile ? line : `${line} (in ${file})`,
                  path,
                  inside: within(spellings(repo.commonDir), path),
                }))
              : [{ line: `(the file ${altText.unreadable})`, path: altFile, inside: false }],
        }
      : undefined;

  const shallowFile = join(repo.commonDir, 'shallow');
  const shallowText = readRepoFile(shallowFile);
  if (shallowText !== undefined && typeof shallowText !== 'string')
    throw new ExpectedError(
      `${shallowFile} ${shallowText.unreadable}`,
      'git keeps a list of commit ids there: remove or repair it',
    );
  const shallowCommits = shallowText ? shallowText.split('\n').filter(Boolean) : [];

  return {
    head: { ...(headRef ? { ref: headRef } : {}), ...(headOid ? { oid: headOid } : {}) },
    refs,
    forgeRefs,
    replaceRefs,
    ...(grafts ? { grafts } : {}),
    shallowCommits,
    ...(alternates ? { alternates } : {}),
    ...(packedPeels ? { packedPeels } : {}),
  };
}

/**
 * Annotated tags without a signature (the tag object's id and its ref), as git's own for-each-ref
 * reads them (one process), read as a stream: at most GITGUARD_MAX_REFS tags (ref-list.ts).
 */
export async function unsignedAnnotatedTags(
  gitDir: string,
  limit = maxRefs(),
): Promise<Array<{ ref: string; oid: string }>> {
  const tags: Array<{ ref: string; oid: string }> = [];
  let seen = 0;
  let last: string | undefined;
  await forEachRefRecord(
    gitDir,
    [
      '--format=%(objecttype)%00%(objectname)%00%(if)%(contents:signature)%(then)signed%(else)unsigned%(end)%00%(refname)%00',
      'refs/tags/',
    ],
    ([type, oid, signed, ref]) => {
      if (++seen > limit) throw tooManyRefs(limit, 'tags');
      last = ref;
      if (type === 'tag' && signed === 'unsigned' && OBJECT_ID.test(oid ?? '') && /^refs\/tags\/[^ ]+$/.test(ref ?? ''))
        tags.push({ oid: oid!, ref: ref! });
    },
    () => last,
  );
  return tags;
}

/**
 * The commits the repository's worktrees have checked out, this one's included (a detached HEAD is on
 * no ref): `git log --all` walks them beside the refs, so --all does too. One `git worktree list`,
 * only when there are linked worktrees.
 */
export async function worktreeHeads(repo: RepositoryInfo, head: HistoryFacts['head']): Promise<string[]> {
  const heads = head.oid ? [head.oid] : [];
  for (const w of (await listWorktrees(repo)) ?? []) if (w.head) heads.push(w.head);
  return [...new Set(heads)];
}
