// The history ledger, <commonDir>/gitguard/ledger.json: per protected ref the last tip that passed
// an audit (for a tag, the object the tag ref points at) and the trust root, plus a list of
// deliberate rewrites accepted with `gitguard ledger accept`. Local to this clone, never committed.
//
// Writes are atomic (temp file, fsync, rename, fsync of the folder) and serialised by a lock file
// created with O_EXCL that holds the writer's pid; a lock whose pid is gone (or that is older than
// LOCK_STALE_MS) is stale and taken over. A ledger that does not parse or does not match the schema
// is reported as damaged (LedgerError), never silently reset.
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  realpathSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ExpectedError } from '../errors.js';
import { MAX_REF_NAME } from '../domain/ledger.js';
import { runEnv } from './run-context.js';
import { UnsafeFileError, mkdirNoFollow, readStateFile } from './safe-fs.js';
import { writeFileSafe } from './safe-write.js';
import { openSealed, sealState, userSecret } from './state-secret.js';

const LEDGER_SCHEMA = 1;
const LOCK_STALE_MS = 10 * 60_000;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** A ledger holds a line per protected ref and per acceptance: 64 MiB is far past any real one. */
const LEDGER_MAX_BYTES = 64 * 1024 * 1024;

export interface LedgerEntry {
  /** The tip that passed (a tag ref: the object it points at, i.e. the tag object for an annotated tag). */
  oid: string;
  /** ISO time it was recorded. */
  recordedAt: string;
  /**
   * A branch: its last recorded tip that the audit's walk covered (a tip of the walk or an ancestor of
   * one). An audit records every protected tip, also one it never walked (HEAD on another branch):
   * only this one may stand for "already judged" (a commit forked before the trust root, history.ts).
   */
  judged?: string;
}

export interface LedgerAcceptance {
  ref: string;
  /** The recorded tip before (absent: the ref was not recorded). */
  from?: string;
  /** The accepted tip (absent: the deletion of the ref was accepted). */
  to?: string;
  reason: string;
  at: string;
}

export interface Ledger {
  schemaVersion: 1;
  trustRoot?: string;
  refs: Record<string, LedgerEntry>;
  accepted: LedgerAcceptance[];
}

export class LedgerError extends ExpectedError {
  override readonly name = 'ExpectedError';
}

function ledgerDir(commonDir: string): string {
  return join(commonDir, 'gitguard');
}

export function ledgerPath(commonDir: string): string {
  return join(ledgerDir(commonDir), 'ledger.json');
}

function emptyLedger(): Ledger {
  return { schemaVersion: LEDGER_SCHEMA, refs: {}, accepted: [] };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates parsed JSON into a Ledger; throws LedgerError naming the file and what is wrong. */
function validateLedger(data: unknown, file: string): Ledger {
  const bad = (why: string): never => {
    throw new LedgerError(`damaged ledger ${file}: ${why}`);
  };
  if (!isObj(data)) return bad('not a JSON object');
  if (data.schemaVersion !== LEDGER_SCHEMA)
    return bad(`schemaVersion is ${JSON.stringify(data.schemaVersion)}, expected ${LEDGER_SCHEMA}`);
  if (data.trustRoot !== undefined && (typeof data.trustRoot !== 'string' || !OID.test(data.trustRoot)))
    bad('trustRoot is not an object id');
  if (!isObj(data.refs)) return bad('refs is not an object');
  const refs: Record<string, LedgerEntry> = {};
  for (const [name, e] of Object.entries(data.refs)) {
    if (!name.startsWith('refs/')) bad(`ref name ${JSON.stringify(name.slice(0, 200))} does not start with refs/`);
    // No ref gitguard reads is longer (MAX_REF_NAME): a longer key is not one it wrote, and slows every lookup.
    if (name.length > MAX_REF_NAME) bad(`a ref name is over ${MAX_REF_NAME.toLocaleString('en-US')} characters`);
    if (!isObj(e) || typeof e.oid !== 'string' || !OID.test(e.oid) || typeof e.recordedAt !== 'string')
      return bad(`entry for ${name} is not {oid, recordedAt}`);
    if (e.judged !== undefined && (typeof e.judged !== 'string' || !OID.test(e.judged)))
      bad(`entry for ${name}: judged is not an object id`);
    refs[name] = {
      oid: e.oid,
      recordedAt: e.recordedAt,
      ...(typeof e.judged === 'string' ? { judged: e.judged } : {}),
    };
  }
  if (!Array.isArray(data.accepted)) return bad('accepted is not a list');
  const accepted: LedgerAcceptance[] = data.accepted.map((a, i) => {
    if (!isObj(a) || typeof a.ref !== 'string' || typeof a.reason !== 'string' || typeof a.at !== 'string')
      return bad(`accepted[${i}] is not {ref, reason, at}`);
    for (const k of ['from', 'to'] as const)
      if (a[k] !== undefined && (typeof a[k] !== 'string' || !OID.test(a[k])))
        bad(`accepted[${i}].${k} is not an object id`);
    return {
      ref: a.ref,
      reason: a.reason,
      at: a.at,
      ...(a.from ? { from: a.from as string } : {}),
      ...(a.to ? { to: a.to as string } : {}),
    };
  });
  // The recorded root outranks the policy's and the default: only one this user's gitguard wrote
  // for this repository counts, never one a repository ships in its .git/gitguard/.
  const root = typeof data.trustRoot === 'string' ? data.trustRoot : undefined;
  const sealed = root && typeof data.trustRootSeal === 'string' && rootSealOk(file, root, data.trustRootSeal);
  return {
    schemaVersion: LEDGER_SCHEMA,
    ...(root && sealed ? { trustRoot: root } : {}),
    refs,
    accepted,
  };
}

const ROOT_SEAL = 'gitguard-ledger-trust-root-1';

/** What the seal binds: the repository (its git dir, links resolved) and the root. */
function rootSealBody(file: string, root: string): string {
  let dir = join(file, '..', '..');
  try {
    dir = realpathSync.native(dir);
  } catch {
    /* as given */
  }
  return `${dir}\0${root}`;
}

function rootSeal(file: string, root: string): string | undefined {
  const secret = userSecret(runEnv());
  return secret ? sealState(secret, ROOT_SEAL, rootSealBody(file, root)).split('\n', 1)[0] : undefined;
}

function rootSealOk(file: string, root: string, seal: string): boolean {
  const secret = userSecret(runEnv());
  return !!secret && openSealed(secret, ROOT_SEAL, `${seal}\n${rootSealBody(file, root)}`) !== undefined;
}

/** The ledger, or undefined when there is none yet. Throws LedgerError when it is damaged. */
export function readLedger(commonDir: string): Ledger | undefined {
  const file = ledgerPath(commonDir);
  let bytes: Buffer | undefined;
  try {
    bytes = readStateFile(commonDir, file, LEDGER_MAX_BYTES);
  } catch (err) {
    if (err instanceof UnsafeFileError) throw new LedgerError(`cannot read ledger: ${err.message}`, err.hint);
    throw new LedgerError(
      `cannot read ledger ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (bytes === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    // Not the parser's message: it quotes the file's bytes, which may be anything.
    throw new LedgerError(`damaged ledger ${file}: not valid JSON`);
  }
  return validateLedger(data, file);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Creates <commonDir>/gitguard, refusing it when it is a symlink (a write would land elsewhere). */
function mkdirState(commonDir: string): void {
  try {
    mkdirNoFollow(commonDir, ledgerDir(commonDir));
  } catch (err) {
    if (err instanceof UnsafeFileError) throw new LedgerError(err.message, err.hint);
    throw err;
  }
}

/** Takes <dir>/ledger.lock (O_EXCL, holding our pid); returns its release. Takes over a stale lock. */
export function lockLedger(commonDir: string, waitMs = 5_000): () => void {
  const dir = ledgerDir(commonDir);
  mkdirState(commonDir);
  const lock = join(dir, 'ledger.lock');
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (!released) rmSync(lock, { force: true });
        released = true;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new LedgerError(`cannot lock ${lock}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let stale = false;
    try {
      const pid = Number.parseInt((readStateFile(commonDir, lock, 64) ?? '').toString('latin1'), 10);
      const age = Date.now() - lstatSync(lock).mtimeMs;
      stale = (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) || age > LOCK_STALE_MS;
    } catch (err) {
      // A link, FIFO or device where our lock file goes is nobody's lock: say so, do not spin on it.
      if (err instanceof UnsafeFileError && err.reason !== 'missing')
        throw new LedgerError(
          `cannot lock the ledger: ${err.message}`,
          err.hint ?? `remove ${lock} if no gitguard is running`,
        );
      continue; // removed meanwhile: try again
    }
    if (stale) {
      try {
        unlinkSync(lock);
      } catch {
        /* another run took it over first */
      }
      continue;
    }
    if (Date.now() > deadline)
      throw new LedgerError(
        `the ledger is locked by another gitguard run (${lock}); remove the file if no gitguard is running`,
      );
    sleep(50);
  }
}

export interface WriteHooks {
  /** Tests only: called after the temp file is written and synced, before the rename. */
  beforeRename?: (tempFile: string) => void;
}

/** Writes the ledger atomically; the caller holds the lock. */
function writeLedgerFile(commonDir: string, ledger: Ledger, hooks: WriteHooks = {}): void {
  const file = ledgerPath(commonDir);
  mkdirState(commonDir);
  const seal = ledger.trustRoot ? rootSeal(file, ledger.trustRoot) : undefined;
  const sealed = seal ? { ...ledger, trustRootSeal: seal } : ledger;
  const text = `${JSON.stringify(sealed, null, 2)}\n`;
  // A ledger the next run would refuse as damaged (over what readLedger reads) is not written: the
  // last one stays, and the run says why (thousands of protected refs with names of kilobytes).
  const size = Buffer.byteLength(text);
  if (size > LEDGER_MAX_BYTES)
    throw new LedgerError(
      `the ledger would be ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${LEDGER_MAX_BYTES / 1024 / 1024} MiB gitguard reads back (${Object.keys(ledger.refs).length.toLocaleString('en-US')} protected refs)`,
      'protect fewer refs (protected.refs in the policy), or delete the refs nobody needs',
    );
  writeFileSafe(file, text, {
    mode: 0o644,
    sync: true,
    ...(hooks.beforeRename ? { beforeRename: hooks.beforeRename } : {}),
  });
  try {
    const dfd = openSync(ledgerDir(commonDir), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some platforms cannot fsync a folder */
  }
}

/**
 * Read-modify-write under the lock: `change` gets the current ledger (or an empty one when there is
 * none) and returns the new one. A damaged ledger throws LedgerError and is left as it is.
 */
export function updateLedger(commonDir: string, change: (l: Ledger) => Ledger, hooks: WriteHooks = {}): Ledger {
  const release = lockLedger(commonDir);
  try {
    // Temp files of writers that died before their rename (we hold the lock: none is live).
    for (const f of readdirSync(ledgerDir(commonDir)))
      if (f.startsWith('ledger.json.tmp-')) rmSync(join(ledgerDir(commonDir), f), { force: true });
    const next = change(readLedger(commonDir) ?? emptyLedger());
    writeLedgerFile(commonDir, next, hooks);
    return next;
  } finally {
    release();
  }
}
