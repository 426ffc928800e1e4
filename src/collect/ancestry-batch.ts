// Ancestry questions asked many at a time, so that no walk or push costs a git process per commit or
// ref: a push may move thousands of protected branches, each on its own base (10,000 cost 100 s at one
// `merge-base --is-ancestor` each, and as long again to ask whether each base descends from the trust root).
//
// fastForwards: one rev-list lists the pushed commits with their parents; an update whose old tip is
// found walking back from its new tip through them is a fast-forward. Only the rest are asked of git
// one by one, and a push that would need more of those than a bound is refused.
// batchedDescends: the questions "does X descend from R" a walk asks in one turn of the event loop
// are answered by one `rev-list --ancestry-path ^R X...`, which prints exactly the X that do.
import { ExpectedError } from '../errors.js';
import { runGit, type Shadow } from './git.js';
import { isAncestor, knowAncestry, knownAncestry } from './ancestry.js';

/** Updates whose ancestry git is asked one by one, at most, per push. */
const MAX_ANCESTRY_QUERIES = 1000;
/** Commits visited in all walks back through the pushed commits, at most, before git is asked instead. */
const VISIT_BUDGET = 2_000_000;

export interface Move {
  old: string;
  new: string;
}

const key = (m: Move): string => `${m.old} ${m.new}`;

/** The listing of a second pass, at most (about a million commits): beyond, git is asked per update. */
const SECOND_LISTING_BYTES = 96 * 1024 * 1024;
/** Fewer updates left than this are asked one by one (a rewind or two must not list the whole history). */
const SECOND_PASS_FROM = 64;

/** The pushed commits (reachable from `tips`, not from `known`) and their parents. */
async function pushedParents(
  shadow: Shadow,
  tips: string[],
  known: string[],
  maxBytes?: number,
): Promise<Map<string, string[]>> {
  const parents = new Map<string, string[]>();
  if (!tips.length) return parents;
  let r;
  try {
    r = await runGit(['rev-list', '--parents', '--ignore-missing', '--stdin'], {
      gitDir: shadow.gitDir,
      input: `${[...tips, ...known.map((k) => `^${k}`)].join('\n')}\n`,
      okCodes: [128],
      timeoutMs: 120_000,
      ...(maxBytes ? { maxBytes } : {}),
    });
  } catch (err) {
    if (maxBytes) return parents; // too long a listing: git is asked per update
    throw err;
  }
  if (r.code !== 0) return parents; // cannot tell here: git is asked per update
  for (const line of r.stdout.toString('latin1').split('\n')) {
    const [oid, ...rest] = line.split(' ');
    if (oid) parents.set(oid, rest);
  }
  return parents;
}

/**
 * For each move, whether `old` is an ancestor of (or equal to) `new`; undefined when git cannot tell.
 * `known`: the tips the repository had before the push (its refs), where the pushed commits end.
 * More than `maxQueries` moves left to ask one by one: refused (a push the user makes passes Infinity).
 */
export async function fastForwards(
  shadow: Shadow,
  moves: Move[],
  known: string[],
  maxQueries = MAX_ANCESTRY_QUERIES,
): Promise<Map<string, boolean | undefined>> {
  const answers = new Map<string, boolean | undefined>();
  const pending = [...new Map(moves.map((m) => [key(m), m])).values()];
  // The old tips bound the listing too: a push to a remote with no tracking refs lists only what it adds.
  const parents = await pushedParents(
    shadow,
    [...new Set(pending.map((m) => m.new))],
    [...new Set([...known, ...pending.map((m) => m.old)])],
  );
  const budget = { left: VISIT_BUDGET };
  let ask = walkBack(pending, parents, budget, answers);
  // That listing stops at every old tip, so an update whose history runs through another update's
  // old tip (a stack of branches, each a commit ahead of the next) is not found in it: listed again,
  // bounded only by the tips that no update starts from. Worth it only for many such updates.
  if (ask.length >= SECOND_PASS_FROM) {
    const olds = new Set(pending.map((m) => m.old));
    const again = await pushedParents(
      shadow,
      [...new Set(ask.map((m) => m.new))],
      known.filter((k) => !olds.has(k)),
      SECOND_LISTING_BYTES,
    );
    ask = walkBack(ask, again, budget, answers);
  }
  if (ask.length > maxQueries)
    throw new ExpectedError(
      `${ask.length} protected ref updates in this push need a history check each, over gitguard's limit of ${MAX_ANCESTRY_QUERIES} per push`,
      `push the protected refs in smaller groups (at most ${MAX_ANCESTRY_QUERIES} at a time)`,
    );
  for (const m of ask) answers.set(key(m), await isAncestor(shadow, m.old, m.new));
  return answers;
}

/** Records the moves whose old tip is found walking back from the new one through `parents`; returns the rest. */
function walkBack(
  moves: Move[],
  parents: Map<string, string[]>,
  budget: { left: number },
  answers: Map<string, boolean | undefined>,
): Move[] {
  const rest: Move[] = [];
  for (const m of moves) {
    const seen = new Set<string>([m.new]);
    const stack = [m.new];
    let found = m.old === m.new;
    while (!found && stack.length && budget.left > 0) {
      budget.left -= 1;
      for (const p of parents.get(stack.pop()!) ?? []) {
        if (p === m.old) found = true;
        else if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    if (found) answers.set(key(m), true);
    else rest.push(m);
  }
  return rest;
}

type Ask = (ancestor: string, oid: string) => Promise<boolean | undefined>;

/**
 * `isAncestor(shadow, ancestor, oid)` for a walk that asks it of many commits: the questions asked in
 * one turn are put to git together, per ancestor, in one rev-list; a batch git cannot answer (an
 * object missing) is asked one by one, so each question gets isAncestor's own answer.
 */
export function batchedDescends(shadow: Shadow): Ask {
  type Waiter = { resolve: (a: boolean | undefined) => void; reject: (e: unknown) => void };
  let queue = new Map<string, Map<string, Waiter[]>>();
  let scheduled = false;
  const answer = async (ancestor: string, waiting: Map<string, Waiter[]>): Promise<void> => {
    // What this run knows already (the trust root search, the ledger) is not asked again.
    for (const [oid, waiters] of waiting) {
      const known = knownAncestry(shadow, ancestor, oid);
      if (!known) continue;
      waiting.delete(oid);
      known.then(
        (a) => waiters.forEach((w) => w.resolve(a)),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      );
    }
    const oids = [...waiting.keys()];
    let answers: Map<string, boolean> | undefined;
    if (oids.length > 1) {
      const r = await runGit(['rev-list', '--ancestry-path', '--stdin'], {
        gitDir: shadow.gitDir,
        input: `^${ancestor}\n${oids.join('\n')}\n`,
        okCodes: [128],
        timeoutMs: 120_000,
      });
      if (r.code === 0) {
        const descendants = new Set(r.stdout.toString('latin1').split('\n'));
        answers = new Map(oids.map((o) => [o, o === ancestor || descendants.has(o)]));
        for (const [o, a] of answers) knowAncestry(shadow, ancestor, o, a);
      }
    }
    for (const [oid, waiters] of waiting) {
      const a = answers ? answers.get(oid) : await isAncestor(shadow, ancestor, oid);
      for (const w of waiters) w.resolve(a);
    }
  };
  const flush = (): void => {
    const batch = queue;
    queue = new Map();
    scheduled = false;
    for (const [ancestor, waiting] of batch)
      answer(ancestor, waiting).catch((err: unknown) => {
        for (const waiters of waiting.values()) for (const w of waiters) w.reject(err);
      });
  };
  return (ancestor, oid) =>
    new Promise((resolve, reject) => {
      let waiting = queue.get(ancestor);
      if (!waiting) queue.set(ancestor, (waiting = new Map<string, Waiter[]>()));
      waiting.set(oid, [...(waiting.get(oid) ?? []), { resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/**
 * "Is X an ancestor of (or one of) `tips`?", the questions asked in one turn of the event loop
 * answered by one `rev-list X... --not tips`, which prints exactly the X that are not (and what
 * only they reach: a branch's own commits, as the tips hold the history before it). Where git
 * cannot list them (an object missing), each is asked of git tip by tip, as before.
 */
export function batchedHeld(shadow: Shadow, tips: readonly string[]): (oid: string) => Promise<boolean> {
  let queue = new Map<string, Array<{ resolve: (a: boolean) => void; reject: (e: unknown) => void }>>();
  const one = async (oid: string): Promise<boolean> => {
    for (const t of tips) if (t === oid || (await isAncestor(shadow, oid, t))) return true;
    return false;
  };
  const flush = async (batch: typeof queue): Promise<void> => {
    const oids = [...batch.keys()];
    const r = await runGit(['rev-list', '--stdin'], {
      gitDir: shadow.gitDir,
      input: `${oids.join('\n')}\n${tips.map((t) => `^${t}`).join('\n')}\n`,
      okCodes: [128],
      timeoutMs: 120_000,
    });
    const notHeld = r.code === 0 ? new Set(r.stdout.toString('latin1').split('\n')) : undefined;
    for (const [oid, waiters] of batch) {
      const held = notHeld ? !notHeld.has(oid) : await one(oid);
      for (const w of waiters) w.resolve(held);
    }
  };
  return (oid) =>
    tips.length === 0
      ? Promise.resolve(false)
      : new Promise((resolve, reject) => {
          if (!queue.size)
            setImmediate(() => {
              const batch = queue;
              queue = new Map();
              flush(batch).catch((err: unknown) => {
                for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
              });
            });
          queue.set(oid, [...(queue.get(oid) ?? []), { resolve, reject }]);
        });
}
