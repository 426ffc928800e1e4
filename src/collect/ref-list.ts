// The repository's refs, as `git for-each-ref` lists them, read as a stream: each record is parsed as
// it arrives, so node holds the refs and never the whole listing beside them (a million refs were
// ~100 MB of text, split again into lines and fields: 619 MB). At most GITGUARD_MAX_REFS refs are
// read (default 200,000): past that the run stops (exit 2) at once, naming the variable, instead of
// growing with whatever a hostile packed-refs holds. A record (id, name, symref) is at most
// MAX_REF_NAME bytes, so no name is past what V8 hashes in full (domain/ledger.ts); a longer record
// stops the run too. A forge's refs of their
// family's whole shape naming a commit (forge-refs.ts: a mirror's ~260,000 pull request refs) are
// counted per family and dropped as they arrive: no walk and no rule reads them one by one.
import type { RefInfo } from '../domain/model.js';
import { StopsAuditError } from '../errors.js';
import { gitRecords } from './git-reading.js';
import { runGit } from './git.js';
import type { ObjectReader } from './objects.js';
import { forgeRefFamily } from './forge-refs.js';
import { runEnv } from './run-context.js';
import { shellWord } from '../domain/shell-word.js';
import { MAX_REF_NAME } from '../domain/ledger.js';

const DEFAULT_MAX_REFS = 200_000;
const MAX_RECORD_BYTES = MAX_REF_NAME;
/** Forge refs whose type is asked at once: the most node holds of them. */
const FORGE_BATCH = 20_000;

// No %(objecttype): git reads each ref's object header for it, one by one and before printing the
// first ref (sorted output): 21 s at a million refs, 2 s without. The types are asked once per
// distinct object after (typesOf).
const FORMAT = '--format=%(objectname)%00%(refname)%00%(symref)%00';

/** The most refs one run reads: GITGUARD_MAX_REFS, else 200,000. */
export function maxRefs(env: NodeJS.ProcessEnv = runEnv()): number {
  const n = Number(env.GITGUARD_MAX_REFS);
  return env.GITGUARD_MAX_REFS && Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_REFS;
}

/** More refs than the limit, or a record git would not write: the refs cannot all be judged. */
export class RefListError extends StopsAuditError {}

/** More refs (or tags) than GITGUARD_MAX_REFS. */
export const tooManyRefs = (limit: number, what = 'refs'): RefListError =>
  new RefListError(
    `the repository has more than ${limit.toLocaleString('en-US')} ${what} (GITGUARD_MAX_REFS)`,
    'delete the refs nobody needs (git for-each-ref lists them, git update-ref -d deletes one), or set GITGUARD_MAX_REFS=N to read them all',
  );

const tooLong = (after: string | undefined): RefListError =>
  new RefListError(
    `a ref of the repository has a name over ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes (after ${after ?? 'the first ref'})`,
    'git for-each-ref lists it: delete it from .git/packed-refs, then run again',
  );

/**
 * A ref git for-each-ref lists twice with two ids (git never writes what makes it): packed-refs names
 * it on two lines, or names it out of the order its header claims (`sorted`) beside a loose ref of
 * that name, which the merge of the two lists no longer shadows. git's lookup of the name (rev-parse,
 * log, checkout) answers one id: which is "the" ref depends on how git is asked, and the first listed
 * was audited while git's HEAD was the other. for-each-ref sorts by name: the two come one after the
 * other. Listed twice with the same id (and the same symref) it is one ref whatever git is asked, and
 * is read once: git before 2.15 dropped such a line of packed-refs with a warning ("Duplicated ref"),
 * and died only when the ids differed.
 */
const listedTwice = (name: string): RefListError =>
  new RefListError(
    `git for-each-ref lists ${name} twice, with two ids (the repository's packed-refs names it twice, or out of its sorted order): git's lookup of it and its listing disagree`,
    `git rev-parse ${shellWord(name)} names the id git uses: delete the wrong line from .git/packed-refs (keep its lines sorted by name), then run again`,
  );

/**
 * `git for-each-ref <args>` whose format ends each record in "\0" (git adds "\n"), read as a stream:
 * `onRecord` gets each record's fields as they arrive (and may wait: git waits with it), `last` the
 * last ref name taken, for the message of a record over MAX_RECORD_BYTES.
 */
export async function forEachRefRecord(
  gitDir: string,
  args: string[],
  onRecord: (fields: string[]) => void | Promise<void>,
  last: () => string | undefined,
): Promise<void> {
  for await (const records of gitRecords(['for-each-ref', ...args], gitDir, '\0\n', MAX_RECORD_BYTES, () =>
    tooLong(last()),
  ))
    for (const r of records) {
      const waiting = onRecord(r.toString('utf8').split('\0')); // awaited only when it waits: a million refs, a million records
      if (waiting) await waiting;
    }
}

/**
 * The type of each of the objects `oids` ("<oid> missing" when not there): one `cat-file
 * --batch-check` for the distinct ones, or the run's object reader when given.
 */
async function typesOf(gitDir: string, oids: string[], reader?: ObjectReader): Promise<Map<string, string>> {
  const distinct = [...new Set(oids)];
  if (!distinct.length) return new Map();
  if (reader) {
    const infos = await reader.infoOf(distinct);
    return new Map(distinct.map((o, i) => [o, infos[i]?.type ?? `${o} missing`]));
  }
  const out = await runGit(['cat-file', '--batch-check=%(objecttype)'], {
    gitDir,
    input: `${distinct.join('\n')}\n`,
    timeoutMs: 300_000,
  });
  const types = out.stdout.toString('latin1').split('\n');
  return new Map(distinct.map((o, i) => [o, types[i] ?? '']));
}

/** The refs, and the forge refs left out of them: how many of each family (forge-refs.ts). */
export interface RefListing {
  refs: RefInfo[];
  forgeRefs: Record<string, number>;
}

/**
 * Every ref of the repository at `gitDir`, in git's order, but a forge's refs of their family's shape
 * naming a commit, which are only counted: at most `limit` refs are held, and FORGE_BATCH forge refs
 * while their type is asked. A forge-shaped ref naming anything else is a ref like any other (kept
 * once its batch's types are known, so after the refs listed while they were asked).
 */
export async function listRefs(gitDir: string, limit = maxRefs(), reader?: ObjectReader): Promise<RefListing> {
  const refs: RefInfo[] = [];
  const forgeRefs: Record<string, number> = {};
  let pending: Array<{ ref: RefInfo; label: string }> = [];
  const keep = (ref: RefInfo): void => {
    if (refs.length >= limit) throw tooManyRefs(limit);
    refs.push(ref);
  };
  const settle = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    const types = await typesOf(
      gitDir,
      batch.map((p) => p.ref.oid),
      reader,
    );
    for (const { ref, label } of batch) {
      const type = types.get(ref.oid) ?? '';
      if (type === 'commit') forgeRefs[label] = (forgeRefs[label] ?? 0) + 1;
      else keep({ ...ref, type });
    }
  };
  let previous: string | undefined;
  let previousTarget: string | undefined;
  await forEachRefRecord(
    gitDir,
    [FORMAT],
    async ([oid, name, symref]) => {
      if (!oid || !name) return;
      const target = `${oid}\0${symref ?? ''}`;
      if (name === previous) {
        if (target === previousTarget) return;
        throw listedTwice(name);
      }
      previous = name;
      previousTarget = target;
      const ref: RefInfo = { name, oid, type: '', ...(symref ? { symref } : {}) };
      const family = forgeRefFamily(name, oid);
      if (!family) return keep(ref);
      pending.push({ ref, label: family.label });
      if (pending.length >= FORGE_BATCH) await settle();
    },
    () => refs.at(-1)?.name,
  );
  if (pending.length) await settle();
  const types = await typesOf(
    gitDir,
    refs.filter((r) => !r.type).map((r) => r.oid),
    reader,
  );
  for (const r of refs) r.type ||= types.get(r.oid) ?? '';
  return { refs, forgeRefs };
}
