// Which gates an earlier step writing files of the checkout loses (earlier-steps.ts `written`): the
// chain reads the files a gate runs at the commit, the job runs what the step wrote over them
// (`curl -o ci/gate.sh URL` then `bash ci/gate.sh`; a Makefile or package.json written then `make
// audit`, `npm run audit`). A step whose own command is gitguard's (`npx gitguard audit`) runs no
// checkout file, nor does gitguard's own action: they keep the gate unless a checkout file run
// before the audit (read at the commit) comes after the write.
import { writesCheckout } from './step-env.js';
import { isEarlier, ownBefore, runsFiles, type Earlier, type EarlierResult } from './earlier-steps.js';
import { callsGitguardDirectly, plainRestoreKeeps } from './direct-gate.js';

/**
 * What the steps above a gate wrote: true, a restore under the workspace that npm's lookup may read
 * (action-writes.ts `workspace`); `plain`, restores under plain folders only (`plain`); `written`,
 * files of the checkout; `copied`, a restore and a write of the checkout in one job, in either order
 * (`cp -r dist/. .` puts another run's `node_modules/.bin/gitguard`, `.npmrc` or `.git/HEAD` where
 * the gate reads them; a link written first, the restore writes through it): no gate survives it.
 */
export type Restored = true | 'copied' | { plain?: true; written?: true } | false | undefined;

/** `above` with a job's earlier steps (earlierStep results) added. */
export function restoredBy(above: Restored, earlier: readonly EarlierResult[]): Restored {
  if (above === 'copied') return above;
  // A restore's paths come as Earliers read at the commit (restore-links.ts), with its reach.
  const kinds = earlier.flatMap((e) => (isEarlier(e) ? e.flatMap((b) => (b.restore ? [b.restore.reach] : [])) : [e]));
  const restore = above === true || (above && above.plain) || kinds.includes('workspace') || kinds.includes('plain');
  const written = (above && above !== true && above.written) || kinds.includes('written');
  if (restore && written) return 'copied';
  if (above === true || kinds.includes('workspace')) return true;
  const plain = (above && above.plain) || kinds.includes('plain');
  return plain || written ? { ...(plain && { plain: true }), ...(written && { written: true }) } : above;
}

/**
 * Whether a `run:` gate step with script `script` in `folder` loses its gate: after a restore npm's
 * lookup may read, always; after restores under plain folders only, unless it calls gitguard by name
 * at the root (direct-gate.ts plainRestoreKeeps); after files of the checkout were written (above, or
 * by its own script before its audit), when it runs a checkout file (no direct call: direct-gate.ts)
 * or one runs before its audit (`before`: read at the commit, the job runs the written one).
 */
export function runGateLost(
  restored: Restored,
  script: string,
  before: readonly Earlier[],
  folder: string | null,
): boolean {
  if (restored === true || restored === 'copied') return true;
  // Its own writes count only before its audit (`npx gitguard audit | tee out.txt` writes after it); with
  // no line naming gitguard (a gate through a file), all of them.
  const own = writesCheckout(ownBefore(script) ?? script);
  // After a restore, its own write may be a copy of what was restored (`cp -r dist/. . && npx gitguard audit`).
  if (restored && restored.plain && (own || !plainRestoreKeeps(script, folder, before))) return true;
  if (!(restored && restored.written) && !own) return false;
  return runsFiles(before) || !callsGitguardDirectly(script);
}

/** Whether gitguard's own action at `path` loses its gate: a restore and another path, or files written and checkout files run before it. */
export function ownActionLost(restored: Restored, path: unknown, before: readonly Earlier[]): boolean {
  if (!restored) return false;
  if (restored === 'copied') return true;
  const root = typeof path === 'string' && /^(?:\.\/?)?$/.test(path);
  return (
    ((restored === true || !!restored.plain) && !root) || (restored !== true && !!restored.written && runsFiles(before))
  );
}

/** What the steps above a step give it: one losing the gate, the checkout files they run, a restore or write. */
export interface StepsAbove {
  lost: boolean;
  before: readonly Earlier[];
  restored: Restored;
}

/**
 * For each of a job's steps (their earlierStep results `earlier`, in order), `above` with the steps
 * before it added (restoredBy, and `before` each Earlier of them), in one walk: a list of 25,000 items
 * read once, not its whole prefix again for every item. Steps share `before` until one adds to it.
 */
export function eachAbove(above: StepsAbove, earlier: readonly EarlierResult[]): StepsAbove[] {
  let { lost, before, restored } = above;
  restored = restoredBy(restored, []);
  return earlier.map((e) => {
    const here = { lost, before, restored };
    lost ||= e === true;
    if (isEarlier(e)) before = [...before, ...e];
    restored = restoredBy(restored, [e]);
    return here;
  });
}
