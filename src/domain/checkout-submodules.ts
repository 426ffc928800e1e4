// What actions/checkout's `submodules:` input writes: `true` or `recursive` clones the commit's
// submodules into their folders after the checkout, as `git submodule update --init [--recursive]`
// does (submodule-writes.ts): another repository's files at each gitlink's folder, which a folder on
// npx's lookup (`node_modules/.bin` committed as a gitlink) makes what the gate runs. Told as the same
// mark, SUBMODULES, read at the commit (collect/submodule-paths.ts). A checkout of another repository,
// ref or folder (`repository:`, `ref:`, `path:`) clones submodules the audited commit does not list:
// not known.

/** GitHub's checkout action. */
const CHECKOUT = /^actions\/checkout@/i;

/** Whether a `submodules:` value leaves submodules alone: absent, `false`, empty. */
const off = (v: unknown): boolean =>
  v === undefined || v === null || v === false || (typeof v === 'string' && /^\s*(?:false)?\s*$/i.test(v));

/**
 * What checkout step `uses` with inputs `input` writes of submodules: `none`; `submodules`, the
 * commit's submodule folders (SUBMODULES); `unknown`, those of a tree other than the commit's.
 */
export function checkoutSubmodules(uses: string, input: (name: string) => unknown): 'none' | 'submodules' | 'unknown' {
  if (!CHECKOUT.test(uses) || off(input('submodules'))) return 'none';
  return ['repository', 'ref', 'path'].some((k) => !off(input(k))) ? 'unknown' : 'submodules';
}
