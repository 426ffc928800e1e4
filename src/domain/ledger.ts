// Protected refs against the ledger, as the ledger rules see them. Types and the ref glob; the
// facts are collected by collect/protected-refs.ts.
import type { TrustRootSource } from './trust.js';

export interface LostCommit {
  oid: string;
  subject: string;
  author: string;
}

export interface ProtectedRef {
  name: string;
  kind: 'branch' | 'remote' | 'tag';
  /** What the ref points at now (a tag ref: the tag object); absent when the ref is gone. */
  current?: string;
  /** What the ledger recorded; absent when the ref is new to the ledger. */
  recorded?: string;
  /** A branch (local or remote-tracking) whose tip does not descend from the recorded tip. */
  rewritten?: {
    lost: number;
    commits: LostCommit[];
    recordedMissing?: boolean;
    /** No remote-tracking record holds the vanished commits, but it is whole only from this time
     *  (seconds), after the tip was recorded (a first fetch since the clone): whether they were pushed
     *  in between is not known. The finding says how to accept a rewrite of commits never pushed. */
    recordFrom?: number;
  };
  /**
   * A moved tag the policy lets move (protected.floating_tags): whether the commit it names now
   * descends from the one it named (undefined: git cannot tell, an object is missing); `replacedAt`:
   * the tagger time (Unix seconds) of the annotated tag it named, which the new one must not predate.
   */
  floating?: FloatingMove;
}

export interface FloatingMove {
  forward?: boolean;
  replacedAt?: number;
}

export interface ReflogEntry {
  ref: string;
  file: string;
  old: string;
  new: string;
  who: string;
  time: number;
  tz: string;
  message: string;
  /** Why it counts as forced: new does not descend from old, or what the message says. */
  why: string;
}

export interface LedgerFacts {
  file: string;
  /** The ledger exists but cannot be used (bad JSON, wrong schema): the ledger rules fail on it. */
  damaged?: string;
  /** No ledger yet: nothing to compare; the first passing audit records the tips. */
  fresh: boolean;
  globs: string[];
  globSource: 'policy' | 'default';
  refs: ProtectedRef[];
  /** The trust root the ledger recorded. */
  trustRoot?: string;
  /** Reflog entries of protected refs that record forced updates or resets. */
  forcedUpdates: ReflogEntry[];
  /** `--base REV`: HEAD (current) against the base (recorded); rewritten when HEAD does not descend from it. */
  base?: ProtectedRef;
  /** `--base REV` in a CI push pipeline of a branch nothing protects: why HEAD is not held to it. */
  baseUnprotected?: string;
  /** The trust root in force (src/collect/trust-root.ts) against the audited tip. */
  trustRootCheck?: TrustRootCheck;
}

export interface TrustRootCheck {
  /** As given. */
  rev: string;
  source: TrustRootSource;
  /** The commit it names; absent when it names none in this repository. */
  oid?: string;
  tip?: string;
  /** undefined when it could not be checked (no such commit, no tip). */
  ancestor?: boolean;
}

/**
 * The longest ref name gitguard reads, in UTF-16 units (a name of as many bytes is no longer). V8 hashes
 * a longer string by its length alone: names of one length past it share one bucket of every Map and
 * Set keyed by name, and each lookup compares them all (1,200 packed tags of 60,000 bytes: an audit of
 * 95 s and a 470 MB peak). git writes none near it: a loose ref's name is a path (PATH_MAX, 4,096).
 */
export const MAX_REF_NAME = 16_383;

/** A compiled glob: whether a whole name matches. */
export interface Glob {
  test(name: string): boolean;
}

/** A glob's pieces: a literal character, `?` (one character but "/"), `*` (a run without "/"), `**` (any run). */
type Piece = { lit: string } | 'one' | 'segment' | 'any';

/**
 * Matches `pieces` against whole names by walking every piece position at once (an NFA), so the
 * time is |name| x |glob| whatever the stars: the RegExp it replaces backtracked, and a policy glob
 * such as refs/heads/**a**a**a**b against a long ref name (both the audited repository's) took
 * exponential time.
 */
function globMatcher(pieces: Piece[]): Glob {
  const n = pieces.length;
  // From a live position whose pieces are all `**` (refs/tags/**), every rest of the name matches: the
  // answer is known there, not after a step per character of a long name.
  const restAny = new Uint8Array(n + 1);
  for (let i = n - 1; i >= 0 && pieces[i] === 'any'; i--) restAny[i] = 1;
  return {
    test(name: string): boolean {
      let live = new Uint8Array(n + 1);
      let next = new Uint8Array(n + 1);
      const close = (set: Uint8Array): void => {
        // A star may match nothing: a live star makes the position after it live too.
        for (let i = 0; i < n; i++) if (set[i] && (pieces[i] === 'segment' || pieces[i] === 'any')) set[i + 1] = 1;
      };
      live[0] = 1;
      close(live);
      for (let c = 0; c < name.length; c++) {
        for (let i = 0; i < n; i++) if (live[i] && restAny[i]) return true;
        const ch = name[c]!;
        next.fill(0);
        let any = false;
        for (let i = 0; i < n; i++) {
          if (!live[i]) continue;
          const p = pieces[i]!;
          if (p === 'any' || (p === 'segment' && ch !== '/')) next[i] = 1;
          else if (p === 'one' ? ch !== '/' : p !== 'segment' && p.lit === ch) next[i + 1] = 1;
          else continue;
          any = true;
        }
        if (!any) return false;
        close(next);
        [live, next] = [next, live];
      }
      return live[n] === 1;
    },
  };
}

/** A ref glob: `*` and `?` stay within one path segment, `**` crosses them. */
export function refGlob(glob: string): Glob {
  const pieces: Piece[] = [];
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      pieces.push('any');
      i += 1;
    } else if (ch === '*') pieces.push('segment');
    else if (ch === '?') pieces.push('one');
    else pieces.push({ lit: ch });
  }
  return globMatcher(pieces);
}

/** A glob where `*` matches anything, "/" included, and nothing else is special (GitLab's names). */
export function wildcardGlob(glob: string): Glob {
  return globMatcher([...glob].map((ch): Piece => (ch === '*' ? 'any' : { lit: ch })));
}

/**
 * The protected refs when the policy names none: the default branch and every tag. The default
 * branch is `main` or `master`, the branch a remote's HEAD names (a clone's `origin/HEAD`), and in a
 * bare repository the branch HEAD names; never the branch a work tree has checked out, which follows
 * `git checkout` and would make every rebased topic branch a rewrite of published history.
 */
export function defaultProtectedRefs(
  history: { head: { ref?: string }; refs: ReadonlyArray<{ name: string; symref?: string }> },
  bare: boolean,
): string[] {
  const branches = new Set(['refs/heads/main', 'refs/heads/master']);
  if (bare && history.head.ref?.startsWith('refs/heads/')) branches.add(history.head.ref);
  for (const r of history.refs) {
    const remote = /^(refs\/remotes\/.+\/)HEAD$/.exec(r.name)?.[1];
    if (remote && r.symref?.startsWith(remote) && r.symref.length > remote.length)
      branches.add(`refs/heads/${r.symref.slice(remote.length)}`);
  }
  return [...branches, 'refs/tags/**'];
}

/** Whether the ledger was written by this audit, and if not, why (the report carries it). */
export interface LedgerUpdate {
  updated: boolean;
  /** Why it was not updated: the rule that blocked it, --no-ledger, or a selection without the ledger rules. */
  reason?: string;
  /** The kind of reason: the user's own choice (--no-ledger, a --rule/--threat selection) or a rule or the file blocking it. */
  cause?: 'no-ledger' | 'selection' | 'nothing-audited' | 'blocked' | 'unwritable';
  file?: string;
  /** How many protected tips it records now. */
  refs?: number;
  /** Refs another run recorded after this one read the ledger: left as that run recorded them. */
  kept?: string[];
}
