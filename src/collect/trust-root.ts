// Where the trust chain starts: the one commit judged by its own policy (docs/policy.md, rule 3).
// One resolution for `verify`, `audit`, the pre-push and the pre-receive checks:
//   1. --trust-root;
//   2. the trust root recorded in the ledger, while it is an ancestor of the tip: what this clone
//      already accepted outranks what the tip says, since the tip is what is being judged;
//   3. the policy's trust_root (at --base in CI, at the server's HEAD in the pre-receive hook: the
//      accepted history, never a pushed or merged tip that nothing has judged yet);
//   4. else the first commit carrying .gitguard/policy.yml on the first-parent chain of the tip
//      (git rev-list --first-parent), so a policy on a merged unrelated history, which is never on
//      that chain unless someone made it the first parent, cannot become the root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExpectedError, GitError, ShallowHistoryError, firstLine } from '../errors.js';
import { MissingObjectError, missingObjectIn, notReadError } from './missing-object.js';
import { parseCommitObject } from './commit-object.js';
import { gitText, runGit, type Shadow } from './git.js';
import { isAncestor, knowAncestry } from './ancestry.js';
import { entryNamed, type ObjectReader } from './objects.js';
import { SUBMODULE_MODE, TREE_MODE, canonicalMode } from './tree-entry.js';

import type { TrustRootSource } from '../domain/trust.js';

export interface TrustRoot {
  oid: string;
  source: TrustRootSource;
  /** As given (a revision for --trust-root, the id otherwise). */
  rev: string;
  /** The commit named, when it carries no policy and the root moved to the first one after it that does. */
  named?: string;
  /** The trust_root of the tip's own policy, not honoured: it lay after the default root (see overruledByTip). */
  overruled?: string;
  /** Neither the root nor any commit after it on the tip's first-parent chain carries a policy: a keys-only history from here on. */
  policyless?: true;
}

export interface TrustRootInput {
  shadow: Shadow;
  reader: ObjectReader;
  /** --trust-root, as given. */
  explicit?: string;
  /** The trust root the ledger recorded. */
  ledgerRoot?: string;
  /** The trust_root of the policy at the tip (at --base when given). */
  policyRoot?: string;
  /**
   * The policy naming policyRoot is the tip's own, the one being judged (no --base, not the server's
   * HEAD): its trust_root may not move the root past the default one (see overruledByTip).
   */
  policyRootFromTip?: boolean;
  /** Tips to take the default from, in order of trust (the already accepted state first). */
  anchors: string[];
  /** Resolves a revision to a commit id, or throws an ExpectedError naming `what`. */
  resolve: (rev: string, what: string) => Promise<string>;
  /** The default root as earlier runs found it (the walk checkpoint), and this run's answers. */
  memo?: FirstPolicyMemo;
  /** A push's walk (its tips and ^exclusions: the hooks), which judges only the commits it reaches. */
  pushed?: string[];
}

/**
 * firstPolicyCommit's answers by tip ('' none): a pure function of the tip's first-parent chain, so
 * an answer found for an earlier tip still holds for a tip whose first-parent chain runs through it,
 * and only the commits after it need reading. Without it, every audit read the whole chain.
 */
export interface FirstPolicyMemo {
  known: ReadonlyArray<readonly [tip: string, first: string]>;
  found: Map<string, string>;
  /** Tips no known answer covers (none of its tips is on their first-parent chain), asked once per run. */
  uncovered?: Set<string>;
  /** The earlier run's trust root and a tip it found descending from it (Checkpoint.rootBelow), for knowDescendant. */
  rootBelow?: readonly [root: string, tip: string];
}

/**
 * Whether `commit`'s tree has a file (a blob) at `path`. A partial clone (--filter=blob:none) holds
 * every tree but not older blobs: when the blob is not there, its tree entry says what it is, and
 * the search needs no more (the policy's text is read, and must be there, only where it judges).
 */
async function hasFileAt(reader: ObjectReader, commit: string, path: string): Promise<boolean> {
  try {
    return (await reader.read(`${commit}:${path}`))?.type === 'blob';
  } catch (err) {
    if (!(err instanceof MissingObjectError)) throw err;
    const slash = path.lastIndexOf('/');
    const dir = await reader.read(`${commit}:${path.slice(0, slash)}`);
    if (dir?.type !== 'tree') throw err;
    const entry = entryNamed(dir.body, commit.length === 64 ? 32 : 20, path.slice(slash + 1));
    if (!entry || entry.oid !== err.oid) throw err;
    const mode = canonicalMode(entry.mode);
    return mode !== TREE_MODE && mode !== SUBMODULE_MODE;
  }
}

/** The first commit on the first-parent chain of `tip` whose tree carries .gitguard/policy.yml. */
async function firstPolicyCommit(
  { shadow, reader, pushed }: TrustRootInput,
  tip: string,
  policyFile: string,
  after?: string,
): Promise<string | undefined> {
  // Candidates are the first-parent commits that change the file; the oldest one that has it added it.
  let out: string;
  try {
    out = await gitText(
      [
        'rev-list',
        '--first-parent',
        '--reverse',
        '--end-of-options',
        tip,
        ...(after ? [`^${after}`] : []),
        '--',
        policyFile,
      ],
      { gitDir: shadow.gitDir, timeoutMs: 300_000 },
    );
  } catch (err) {
    const missing = err instanceof GitError ? missingObjectIn(err.stderr) : undefined;
    if (missing) throw notReadError(shadow.commonDir, join(shadow.gitDir, 'objects'), missing, 'a tree of the history');
    if (err instanceof GitError)
      throw new ExpectedError(
        `cannot read the history to find the trust root: ${
          firstLine(
            err.stderr
              .split('\n')
              .filter((l) => !l.startsWith('hint:'))
              .join('\n'),
          ) || err.message
        }`,
      );
    throw err;
  }
  for (const oid of out.split('\n')) {
    if (!oid) continue;
    // A push judges only its new commits, so the hooks need no older policy's text to find the root;
    // an audit reads it (and stops in one line when a partial clone lacks it).
    if (
      pushed ? await hasFileAt(reader, oid, policyFile) : (await reader.read(`${oid}:${policyFile}`))?.type === 'blob'
    ) {
      knowAncestry(shadow, oid, tip, true); // listed walking back from the tip: the ledger's trust root check
      return oid;
    }
  }
  return undefined;
}

/** Whether `old` lies on the first-parent chain of `tip` (one pass over the commits between them). */
async function onFirstParentChain(shadow: Shadow, old: string, tip: string): Promise<boolean> {
  let out: string;
  try {
    out = await gitText(['rev-list', '--first-parent', '--parents', '--end-of-options', tip, `^${old}`], {
      gitDir: shadow.gitDir,
      timeoutMs: 300_000,
    });
  } catch {
    return false;
  }
  const lines = out
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '));
  if (!lines.length) return false;
  if (lines[0]![0] !== tip) return false;
  for (let i = 0; i < lines.length; i += 1) {
    const next = i + 1 < lines.length ? lines[i + 1]![0] : old;
    if (lines[i]![1] !== next) return false;
  }
  return true;
}

/**
 * firstPolicyCommit's answer for `tip` from what an earlier run found for a tip on its first-parent
 * chain (only the commits after that tip are read), or undefined when no known tip lies on the chain.
 */
async function knownFirstPolicy(input: TrustRootInput, tip: string, policyFile: string): Promise<string | undefined> {
  const memo = input.memo;
  if (!memo?.known.length || memo.uncovered?.has(tip)) return undefined;
  const same = memo.known.find(([old]) => old === tip);
  if (same) return same[1];
  for (const [old, first] of memo.known) {
    if (!(await onFirstParentChain(input.shadow, old, tip))) continue;
    // The chain below `old` answered already; only a policy added after it can be the first when it had none.
    return first || ((await firstPolicyCommit(input, tip, policyFile, old)) ?? '');
  }
  (memo.uncovered ??= new Set()).add(tip);
  return undefined;
}

/** firstPolicyCommit, from what an earlier run found for a tip on this one's first-parent chain when it can. */
async function firstPolicyCommitMemo(
  input: TrustRootInput,
  tip: string,
  policyFile: string,
): Promise<string | undefined> {
  const memo = input.memo;
  // This run asked already (the tip's trust_root check, then the default root): the same answer.
  const asked = memo?.found.get(tip);
  if (asked !== undefined) return asked || undefined;
  const answer =
    (await knownFirstPolicy(input, tip, policyFile)) ?? (await firstPolicyCommit(input, tip, policyFile)) ?? '';
  memo?.found.set(tip, answer);
  return answer || undefined;
}

/**
 * A named root that carries no policy could judge nothing (every commit after it would be judged by
 * no policy, for ever): the root is then the first commit carrying the policy on the tip's
 * first-parent chain that descends from it, and the commits in between are out of scope.
 */
async function withPolicy(input: TrustRootInput, root: TrustRoot, policyFile: string): Promise<TrustRoot> {
  if ((await input.reader.read(`${root.oid}:${policyFile}`))?.type === 'blob') return root;
  const tip = input.anchors.find(Boolean);
  if (!tip) return root;
  let out: string;
  try {
    out = await gitText(
      ['rev-list', '--first-parent', '--reverse', '--end-of-options', tip, `^${root.oid}`, '--', policyFile],
      { gitDir: input.shadow.gitDir, timeoutMs: 300_000 },
    );
  } catch {
    return root;
  }
  const changing = out.split('\n').filter(Boolean);
  for (const oid of changing) {
    if ((await input.reader.read(`${oid}:${policyFile}`))?.type !== 'blob') continue;
    if ((await isAncestor(input.shadow, root.oid, oid)) === true) return { ...root, oid, named: root.oid };
    break;
  }
  // No commit from the root to the tip changes the file the root lacks: none of them carries it.
  return changing.length ? root : { ...root, policyless: true };
}

/** The most tips anyPolicyCommit answers from an earlier run's answers before it searches the history. */
const MEMO_TIPS = 8;

/**
 * Whether any commit reachable from the anchors (not yet answered) changes the policy file: one
 * rev-list for all of them. When none does, no commit carries the file (the one that added it would
 * be listed: a root, a commit or a merge that adds it differs from its parents), so no first-parent
 * chain has a first policy commit: many tips without a policy (a push of thousands of branches to a
 * repository with none) no longer cost a search each. Fewer than two anchors, or a first one that
 * carries the policy: searched as before.
 */
async function anyPolicyCommit(input: TrustRootInput, policyFile: string): Promise<boolean> {
  let open = input.anchors.filter((a) => input.memo?.found.get(a) === undefined);
  if (open.length < 2) return true;
  // The first tip carries the policy: its own search answers at once (the usual case), no walk of all.
  if ((await input.reader.read(`${open[0]}:${policyFile}`))?.type === 'blob') return true;
  // A few tips descending from those an earlier run answered for (--base and the pre-receive hook
  // after an audit: the base, HEAD and a push all on the recorded tip's chain) read only what came
  // after them, not the whole history (README, "Incremental re-audit"); a tip it does not cover is
  // searched as before. Bounded, since each tip may cost a rev-list per known tip.
  if (input.memo?.known.length && open.length <= MEMO_TIPS) {
    for (const a of open) {
      const first = await knownFirstPolicy(input, a, policyFile);
      if (first !== undefined) input.memo.found.set(a, first);
    }
    open = open.filter((a) => input.memo?.found.get(a) === undefined);
    if (open.length < 2) return true;
  }
  const r = await runGit(['rev-list', '-n1', '--full-history', '--stdin', '--', policyFile], {
    gitDir: input.shadow.gitDir,
    input: `${open.join('\n')}\n`,
    okCodes: [128],
    timeoutMs: 300_000,
  });
  if (r.code !== 0 || r.stdout.length) return true; // cannot tell, or there is one: search tip by tip
  for (const a of open) input.memo?.found.set(a, '');
  return false;
}

export async function resolveTrustRoot(input: TrustRootInput, policyFile: string): Promise<TrustRoot | undefined> {
  const named = await namedRoot(input);
  if (named && !(await overruledByTip(input, named, policyFile))) return withPolicy(input, named, policyFile);
  const searched = (await anyPolicyCommit(input, policyFile)) ? input.anchors : [];
  for (const anchor of searched) {
    const oid = await firstPolicyCommitMemo(input, anchor, policyFile);
    if (oid)
      return {
        oid: await notAtShallowBoundary(input, oid),
        source: 'first-policy-commit',
        rev: oid,
        ...(named ? { overruled: named.oid } : {}),
      };
  }
  return named && withPolicy(input, named, policyFile);
}

/**
 * A trust_root in the tip's own policy names the commit that judges itself, on the word of the
 * commits being judged: anyone who may push could add a policy of their own, then name that commit
 * as the root, and be judged by it. So from the tip it may name the default root or a commit before
 * it (where it starts the same chain), never one after it; moving the root forward takes
 * `--trust-root` once (recorded in the ledger) or the policy at `--base` (accepted history).
 */
async function overruledByTip(input: TrustRootInput, named: TrustRoot, policyFile: string): Promise<boolean> {
  if (named.source !== 'policy' || !input.policyRootFromTip) return false;
  const tip = input.anchors[0];
  const first = tip ? await firstPolicyCommitMemo(input, tip, policyFile) : undefined;
  if (!first || first === named.oid) return false;
  return (await isAncestor(input.shadow, named.oid, first)) !== true;
}

/**
 * The search sees only what git walks: a commit on the shallow boundary looks like a root, so the
 * first policy it finds there may be anyone's (a `shallow` file naming mallory's commit made it the
 * root, judged by her own policy). Its real parents are in the object itself.
 */
async function notAtShallowBoundary(input: TrustRootInput, oid: string): Promise<string> {
  let boundary: string;
  try {
    boundary = readFileSync(join(input.shadow.gitDir, 'shallow'), 'latin1'); // our own copy, read bounded
  } catch {
    return oid;
  }
  if (!boundary.split('\n').includes(oid)) return oid;
  const raw = await input.reader.read(oid);
  if (raw?.type === 'commit' && parseCommitObject(oid, raw.body).parents.length && !(await pushBeyond(input, oid)))
    throw new ShallowHistoryError(
      `the first commit carrying the policy that gitguard can see, ${oid.slice(0, 12)}, is on the shallow boundary: who signed the history before it is unknown`,
      'fetch the full history (git fetch --unshallow; fetch-depth: 0 / GIT_DEPTH: 0), or name the root with --trust-root',
    );
  return oid;
}

/**
 * Whether a push from a shallow clone is judged the same whatever root lies at or before `oid`, the
 * first policy commit it can see, on the boundary: the walk does not reach it (it is published), and
 * every commit outside the walk that a walked commit names as parent descends from it (or is it). Each
 * walked commit is then judged by policies at or after `oid`, as with the real root; only a commit of
 * the walk on or behind the boundary would be judged otherwise, so the search refuses then.
 */
async function pushBeyond(input: TrustRootInput, oid: string): Promise<boolean> {
  if (!input.pushed?.length) return false;
  const res = await runGit(['rev-list', '--boundary', '--stdin'], {
    gitDir: input.shadow.gitDir,
    input: `${input.pushed.join('\n')}\n`,
    okCodes: [128],
    timeoutMs: 60_000,
  });
  if (res.code !== 0) return false;
  const lines = res.stdout.toString('latin1').split('\n').filter(Boolean);
  if (lines.includes(oid)) return false;
  const outside = [...new Set(lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1)))];
  if (outside.length > 256) return false;
  for (const parent of outside) if ((await isAncestor(input.shadow, oid, parent)) !== true) return false;
  return true;
}

async function namedRoot(input: TrustRootInput): Promise<TrustRoot | undefined> {
  if (input.explicit)
    return { oid: await input.resolve(input.explicit, '--trust-root'), source: '--trust-root', rev: input.explicit };
  const tip = input.anchors[0];
  const policyRoot = input.policyRoot ? await input.resolve(input.policyRoot, "the policy's trust_root") : undefined;
  // A trust_root moved in the tip's policy does not outrank the ledger: the commit that moved it is
  // only judged once it is in scope, and moving the root past it would take it out of scope.
  if (
    input.ledgerRoot &&
    tip &&
    (await input.reader.read(input.ledgerRoot))?.type === 'commit' &&
    (await isAncestor(input.shadow, input.ledgerRoot, tip)) === true
  ) {
    return { oid: input.ledgerRoot, source: 'ledger', rev: input.ledgerRoot };
  }
  if (policyRoot) return { oid: policyRoot, source: 'policy', rev: input.policyRoot! };
  return undefined;
}

/**
 * `^` each parent of the trust root that is present: history before the root is out of scope, and the
 * walk stops there. In a shallow clone they may be beyond the boundary, absent: git walks no further
 * there anyway. A root that is missing stops the audit.
 */
export async function rootExclusions(reader: ObjectReader, oid: string, shallow: boolean): Promise<string[]> {
  const raw = await reader.read(oid);
  if (!raw)
    throw new (shallow ? ShallowHistoryError : ExpectedError)(
      `trust root ${oid} is missing from the repository`,
      'fetch the full history (git fetch --unshallow), or give a later --trust-root',
    );
  const present = await Promise.all(
    parseCommitObject(oid, raw.body).parents.map(async (p) => ((await reader.read(p)) ? p : undefined)),
  );
  return present.filter((p) => p !== undefined).map((p) => `^${p}`);
}
