// Whether files of the checkout written before a direct call of gitguard (`npx gitguard audit`, its
// folder `folder`) change what that call runs. npx (npm exec) takes the project from the folder it
// runs in up to the first holding a package.json or node_modules; it runs that project's own bin of
// the name (package.json's `"bin": {"gitguard": "x.js"}`: a file of the checkout), else
// node_modules/.bin/gitguard there, and reads that project's .npmrc (the registry it fetches from);
// a version manager's shim (asdf, mise, nodenv) picks node by `.tool-versions`, `.nvmrc`,
// `.node-version`, `mise.toml` from the folder up. A file written under another folder (`build/`,
// `docs/site.zip` unpacked in `docs`) is none of those: npx looks up, never down.
import { LOOKUP_NAME } from './action-writes.js';
import { foldPath } from './path-way.js';

/**
 * Whether `written` (paths from the root, an unpacking's folder marked by its `/`; true: not told)
 * names, for the gate's folder or one above it, that folder itself (what is written there has names
 * of its own) or a file npx's lookup reads there (action-writes.ts LOOKUP_NAME, or under it).
 */
export function npxLookupWritten(written: true | readonly string[], folder: string | null): boolean {
  if (written === true || folder === null) return true;
  const gate = foldPath(folder);
  const above = ['', ...gate.split('/').map((_, k, all) => all.slice(0, k + 1).join('/'))].filter(
    (a, k) => k === 0 || a,
  );
  return written.map(foldPath).some((p) =>
    above.some((a) => {
      if (p === a) return true;
      if (a && !p.startsWith(`${a}/`)) return false;
      const first = (a ? p.slice(a.length + 1) : p).split('/')[0]!;
      return LOOKUP_NAME.test(first);
    }),
  );
}
