// `gitguard hook install|uninstall`: writes (and removes) the pre-push hook, or the server-side
// pre-receive hook, that calls `gitguard hook run <hook>`. An existing hook is never overwritten: it
// is moved aside to <hook>.gitguard-chained and the installed hook runs it afterwards with the same
// stdin; uninstall moves it back (a rename, so its bytes and mode are exactly what they were).
// The repository's config is read as data (core.hooksPath); no git porcelain runs in it.
import { folderInside, readBounded } from '../collect/safe-fs.js';
import { writeFileSafe } from '../collect/safe-write.js';
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExpectedError, fsReason } from '../errors.js';
import { collectConfig } from '../collect/config.js';
import { hooksDir } from '../collect/hooks.js';
import { checkHookMarker, withHookMarker } from '../collect/hook-marker.js';
import { CHAINED_SUFFIX, hookScript, type HookName } from '../collect/hook-script.js';
import { discoverRepository } from '../collect/repository.js';

export interface HookInstallRequest {
  path: string;
  /** Install the server-side pre-receive hook (bare repositories) instead of pre-push. */
  server?: boolean;
  /** Replace a gitguard hook that was edited since it was installed. */
  force?: boolean;
  /** The node and script that run gitguard now; the hook prefers them over `gitguard` on PATH. */
  gitguard?: { node: string; bin: string };
  env?: NodeJS.ProcessEnv;
}

export interface HookInstallResult {
  hook: HookName;
  /** The installed hook file. */
  path: string;
  /** Where the existing hook was moved to (and is run from), if there was one. */
  chained?: string;
  /** Lines for the user: what was done, and what to watch out for. */
  lines: string[];
}

async function locate(req: {
  path: string;
  server?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<{ hook: HookName; dir: string; source: string; top?: string }> {
  const repo = await discoverRepository(req.path);
  const hook: HookName = req.server ? 'pre-receive' : 'pre-push';
  if (req.server && !repo.bare)
    throw new ExpectedError(
      `${repo.path} is not a bare repository`,
      'the pre-receive hook belongs in the repository you push to (a bare one); for your own pushes run gitguard hook install without --server',
    );
  const config = await collectConfig(repo, req.env ?? process.env);
  const { dir, source, scope } = hooksDir(repo, config, req.env ?? process.env);
  if (dir === '')
    throw new ExpectedError(
      `${source} is empty: git runs no hook at all`,
      'remove it (git config --unset core.hooksPath, at that scope), then run gitguard hook install again',
    );
  // The repository's own say (.git/hooks, a core.hooksPath in its config) may not carry a write out
  // of it through a path or a link it planted; a folder the user's own config names is the user's.
  const userChoice = scope === 'global' || scope === 'system' || scope === 'command';
  if (!userChoice && !folderInside([repo.commonDir, ...(repo.workTree ? [repo.workTree] : [])], dir))
    throw new ExpectedError(
      `the hooks folder ${dir} (${source}) leads outside the repository, through a path or a symbolic link; gitguard writes hooks only inside it`,
      source === 'default'
        ? `make ${dir} a folder of its own (not a link), then run gitguard hook install again`
        : 'point core.hooksPath at a folder inside the repository (or set it in your global config if you mean a shared folder), then run gitguard hook install again',
    );
  return { hook, dir, source, ...(repo.workTree ? { top: repo.workTree } : {}) };
}

function readIfFile(path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (st.isDirectory())
      throw new ExpectedError(
        `${path} is a directory, not a hook`,
        'move it away, then run gitguard hook install again',
      );
    return st.isFile() ? readBounded(path, 1024 * 1024, { truncate: true }).toString('utf8') : '';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function hints(dir: string, top: string | undefined, hook: HookName): string[] {
  const rel = top ? relative(top, dir) : dir;
  const out: string[] = [];
  if (/(^|\/)\.husky(\/|$)/.test(rel)) {
    out.push(
      `note: ${rel} is managed by husky, which rewrites it on install; add this line to .husky/${hook} instead (see the README): gitguard hook run ${hook} "$@"`,
    );
  }
  if (top && ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml'].some((f) => existsSync(join(top, f)))) {
    out.push(
      `note: this repository uses lefthook, whose "lefthook install" replaces hooks; add gitguard to lefthook.yml instead (see the README)`,
    );
  }
  return out;
}

/** File-system failures (a read-only folder, core.hooksPath=/dev/null) are the user's to fix: one line. */
function fsStep<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e instanceof ExpectedError || !e.code) throw err;
    throw new ExpectedError(
      `cannot ${what}: ${fsReason(e)}`,
      "check the hooks folder's permissions, or where core.hooksPath points",
    );
  }
}

export async function installHook(req: HookInstallRequest): Promise<HookInstallResult> {
  const { hook, dir, source, top } = await locate(req);
  if (existsSync(dir) && !lstatSync(dir).isDirectory() && !statSafeIsDir(dir)) {
    throw new ExpectedError(
      `the hooks folder ${dir} (${source}) is not a folder`,
      'point core.hooksPath at a folder, or unset it: git config --unset core.hooksPath',
    );
  }
  return fsStep(`install the ${hook} hook in ${dir}`, () => installIn(req, hook, dir, source, top));
}

function statSafeIsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function installIn(
  req: HookInstallRequest,
  hook: HookName,
  dir: string,
  source: string,
  top: string | undefined,
): HookInstallResult {
  const target = join(dir, hook);
  const chained = target + CHAINED_SUFFIX;
  const script = withHookMarker(hookScript(hook, req.gitguard));
  const lines: string[] = [];
  const existing = readIfFile(target);
  const state = existing === undefined ? 'none' : checkHookMarker(existing);
  if (state === 'modified' && !req.force) {
    throw new ExpectedError(
      `${target} is a gitguard hook that was edited since it was installed`,
      'look at it, then reinstall with gitguard hook install --force',
    );
  }
  mkdirSync(dir, { recursive: true });
  if (state === 'absent') {
    // Someone else's hook: keep it, byte for byte, and run it after gitguard.
    if (readIfFile(chained) !== undefined) {
      throw new ExpectedError(
        `both ${target} and ${chained} exist`,
        `gitguard will not overwrite either; move one of them away, then run gitguard hook install again`,
      );
    }
    renameSync(target, chained);
    lines.push(`moved the existing ${hook} hook to ${chained}; it still runs after gitguard, with the same input`);
  }
  // O_EXCL temp file + rename: a link planted at a predictable temp name is never written through.
  writeFileSafe(target, script, { mode: 0o755, refuseLink: false });
  chmodSync(target, 0o755);
  lines.unshift(
    `${state === 'valid' || state === 'modified' ? 'reinstalled' : 'installed'} the ${hook} hook in ${target} (hooks folder from ${source})`,
  );
  if (readIfFile(chained) !== undefined && state !== 'absent')
    lines.push(`it runs the hook kept in ${chained} afterwards`);
  lines.push(...hints(dir, top, hook));
  if (!req.gitguard) lines.push('note: the hook runs "gitguard" from PATH');
  return { hook, path: target, ...(existsSync(chained) ? { chained } : {}), lines };
}

export interface HookUninstallRequest {
  path: string;
  server?: boolean;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function uninstallHook(
  req: HookUninstallRequest,
): Promise<{ removed: boolean; restored?: string; lines: string[] }> {
  const { hook, dir } = await locate(req);
  const target = join(dir, hook);
  const chained = target + CHAINED_SUFFIX;
  const existing = readIfFile(target);
  const state = existing === undefined ? 'none' : checkHookMarker(existing);
  if (state === 'none' || state === 'absent') {
    const kept =
      readIfFile(chained) !== undefined
        ? `; ${chained} is still there (gitguard leaves it alone while ${target} is not its hook)`
        : '';
    return { removed: false, lines: [`no gitguard ${hook} hook in ${dir}: nothing to uninstall${kept}`] };
  }
  if (state === 'modified' && !req.force) {
    throw new ExpectedError(
      `${target} is a gitguard hook that was edited since it was installed`,
      'look at it, then remove it with gitguard hook uninstall --force',
    );
  }
  fsStep(`remove ${target}`, () => rmSync(target));
  const lines = [`removed the gitguard ${hook} hook ${target}`];
  if (readIfFile(chained) !== undefined) {
    fsStep(`restore ${chained}`, () => renameSync(chained, target));
    lines.push(`restored the hook that was there before from ${chained}`);
    return { removed: true, restored: target, lines };
  }
  return { removed: true, lines };
}
