// A pre-push hook written by a hook manager (husky, lefthook, the pre-commit framework) runs what the
// manager's own file says, and the README tells users of each to run gitguard from that file rather
// than install its hook. This reads the file the manager's hook runs and finds the line that runs
// `gitguard hook run pre-push`, taken only when nothing can skip it or ignore its exit status.
// Everything read here is repository content: read bounded, no links followed, never executed.
import { basename, dirname, join } from 'node:path';
import type { ConfigEntry, HookInfo, HookManager, HooksFacts, RepositoryInfo } from '../domain/model.js';
import { collectHooks } from './hooks.js';
import { readBoundedIfExists } from './safe-fs.js';
import { checkHookMarker } from './hook-marker.js';
import { yamlTooDeep } from './policy-yaml.js';
import { runEnv } from './run-context.js';

const MAX_FILE = 256 * 1024;

/** gitguard's pre-push check, as a user writes it: optionally through npx/pnpm/yarn or a path, with the
 *  hook's arguments ("$@", $1 $2, lefthook's {1} {2}), and nothing else on the line (no ||, ;, &). */
const GITGUARD_PRE_PUSH =
  /^(?:exec\s+)?(?:npx\s+(?:--no(?:-install)?\s+)?|pnpm\s+(?:exec\s+)?|yarn\s+)?(?:[\w./-]*\/)?gitguard\s+hook\s+run\s+pre-push(?:\s+(?:"\$@"|\$@|"\$\{?[12]\}?"|\$\{?[12]\}?|\{[12]\}))*$/;

/**
 * A line before gitguard's that could keep it from running, or from failing the push under `sh -e`:
 * an exit, a block or function it could sit in, a here-document or continuation swallowing it, a file
 * sourced. `a || b`, `a && b`, pipes and redirections cannot skip the next line and are allowed.
 */
const CONTROL =
  /\b(?:exit|return|exec|if|then|else|elif|fi|case|esac|while|until|for|do|done|trap|set|function|eval|source|alias|break|continue|kill)\b|[{}()`]|<<|\$\(|^\.\s|\\$/;
const unbalancedQuotes = (line: string): boolean =>
  (line.replace(/\\./g, '').match(/"/g) ?? []).length % 2 === 1 || (line.match(/'/g) ?? []).length % 2 === 1;

const read = (path: string): string | undefined => {
  try {
    return readBoundedIfExists(path, MAX_FILE)?.toString('utf8');
  } catch {
    return undefined; // a link, a FIFO, too large: not a manager's file gitguard vouches for
  }
};

const isGitguardLine = (command: string): boolean => GITGUARD_PRE_PUSH.test(command.trim().replace(/\s+/g, ' '));

// husky 9: `.husky/_/pre-push` sources `.husky/_/h`, which runs `.husky/pre-push` with `sh -e`.
const HUSKY9_STUB = /^#!\/usr\/bin\/env sh\n\. "\$\(dirname "\$0"\)\/h"\n?$/;
// husky 4-8: the hook is the user's script itself, sourcing `_/husky.sh` (which re-runs it with `sh -e`).
const HUSKY8_SOURCE = /^\. "\$\(dirname (?:-- )?"\$0"\)\/_\/husky\.sh"$/;

/** The line of a husky script that runs gitguard, when every command line before it is plain. */
function huskyLine(script: string): number | undefined {
  const lines = script.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || HUSKY8_SOURCE.test(line)) continue;
    if (isGitguardLine(line)) return i + 1;
    if (CONTROL.test(line) || unbalancedQuotes(line)) return undefined;
  }
  return undefined;
}

function husky(stub: string, hook: HookInfo, dir: string): HookManager | undefined {
  const v9 = HUSKY9_STUB.test(stub);
  if (!v9 && !stub.split(/\r?\n/).some((l) => HUSKY8_SOURCE.test(l.trim()))) return undefined;
  const config = v9 ? join(dirname(dir), 'pre-push') : hook.path;
  const script = v9 ? read(config) : stub;
  const line = script === undefined ? undefined : huskyLine(script);
  return { name: 'husky', config, ...(line ? { gitguard: `line ${line}` } : {}) };
}

type Yaml = typeof import('yaml');

/** A YAML file as plain data (no tags, few aliases), or undefined when it cannot be read. */
function yamlData(yaml: Yaml, text: string): unknown {
  if (yamlTooDeep(text) !== undefined) return undefined; // the parser would recurse for seconds, or overflow
  try {
    const doc = yaml.parseDocument(text, { version: '1.2', schema: 'core', customTags: [], merge: false });
    if (doc.errors.length) return undefined;
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch {
    return undefined;
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const LEFTHOOK_FILES = [
  'lefthook.yml',
  '.lefthook.yml',
  'lefthook.yaml',
  '.lefthook.yaml',
  '.config/lefthook.yml',
  '.config/lefthook.yaml',
];
const LEFTHOOK_LOCAL = ['lefthook-local.yml', '.lefthook-local.yml', 'lefthook-local.yaml', '.lefthook-local.yaml'];

/** lefthook's pre-push command or job that runs gitguard with git's input (use_stdin), never skipped:
 *  where it is, and the names LEFTHOOK_EXCLUDE matches it by (its name, its tags). */
function lefthookEntry(prePush: Record<string, unknown>): { at: string; names: string[] } | undefined {
  if (prePush.skip !== undefined || prePush.only !== undefined) return undefined;
  const runs = (e: Record<string, unknown> | undefined): boolean =>
    !!e &&
    typeof e.run === 'string' &&
    isGitguardLine(e.run) &&
    e.use_stdin === true &&
    e.skip === undefined &&
    e.only === undefined;
  const tags = (e: Record<string, unknown>): string[] =>
    (Array.isArray(e.tags) ? e.tags : [e.tags]).filter((t): t is string => typeof t === 'string');
  for (const [name, e] of Object.entries(obj(prePush.commands) ?? {}))
    if (runs(obj(e))) return { at: `commands.${name}`, names: [name, ...tags(obj(e)!)] };
  const jobs = Array.isArray(prePush.jobs) ? (prePush.jobs as unknown[]) : [];
  for (let i = 0; i < jobs.length; i += 1) {
    const job = obj(jobs[i]);
    if (runs(job))
      return { at: `jobs[${i}]`, names: [...(typeof job!.name === 'string' ? [job!.name] : []), ...tags(job!)] };
  }
  return undefined;
}

/**
 * What in the audited environment makes lefthook run no gitguard (lefthook 1.13.6, run for real):
 * its hook script exits on LEFTHOOK=0, the program on LEFTHOOK=false too; LEFTHOOK_BIN runs another
 * program in its place (one named lefthook is taken as lefthook); LEFTHOOK_EXCLUDE (comma-separated,
 * each matched whole) skips the command of that name or tag.
 */
function lefthookSkippedBy(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  const off = env.LEFTHOOK;
  if (off === '0' || off === 'false') return `LEFTHOOK=${off}`;
  const bin = env.LEFTHOOK_BIN;
  if (bin && basename(bin) !== 'lefthook') return `LEFTHOOK_BIN=${bin}`;
  const excluded = (env.LEFTHOOK_EXCLUDE ?? '').split(',').find((x) => names.includes(x));
  return excluded === undefined ? undefined : `LEFTHOOK_EXCLUDE=${env.LEFTHOOK_EXCLUDE}`;
}

function lefthook(yaml: Yaml, stub: string, top: string, env: NodeJS.ProcessEnv): HookManager | undefined {
  if (!/\bcall_lefthook run "pre-push" "\$@"/.test(stub)) return undefined;
  const file = LEFTHOOK_FILES.find((f) => read(join(top, f)) !== undefined);
  if (!file) return { name: 'lefthook', config: join(top, LEFTHOOK_FILES[0]!) };
  const config = join(top, file);
  const prePush = obj(obj(yamlData(yaml, read(config)!))?.['pre-push']);
  // A local override file may change the pre-push commands (skip them, replace the run line).
  const overridden = LEFTHOOK_LOCAL.some((f) => {
    const text = read(join(top, f));
    return text !== undefined && obj(yamlData(yaml, text))?.['pre-push'] !== undefined;
  });
  const entry = prePush && !overridden ? lefthookEntry(prePush) : undefined;
  const skippedBy = entry && lefthookSkippedBy(env, entry.names);
  return {
    name: 'lefthook',
    config,
    ...(entry ? { gitguard: `pre-push.${entry.at}` } : {}),
    ...(skippedBy ? { skippedBy } : {}),
  };
}

/** The pre-commit framework's hook with id gitguard (this repository's .pre-commit-hooks.yaml), or a local one running it, at the pre-push stage. */
function preCommitEntry(data: unknown): { at: string; names: string[] } | undefined {
  const repos = obj(data)?.repos;
  if (!Array.isArray(repos)) return undefined;
  for (const [r, repo] of (repos as unknown[]).entries()) {
    const hooks = obj(repo)?.hooks;
    if (!Array.isArray(hooks)) continue;
    for (const [h, raw] of (hooks as unknown[]).entries()) {
      const hook = obj(raw);
      if (!hook) continue;
      const local = obj(repo)?.repo === 'local';
      const entry = hook.entry;
      const runsGitguard = local
        ? typeof entry === 'string' && isGitguardLine(entry) && hook.language === 'system'
        : hook.id === 'gitguard' && (entry === undefined || (typeof entry === 'string' && isGitguardLine(entry)));
      const stages = hook.stages;
      const atPrePush =
        stages === undefined
          ? !local
          : Array.isArray(stages) && (stages as unknown[]).some((s) => s === 'pre-push' || s === 'push');
      // SKIP matches a hook by its id or its alias
      const names = [hook.id, hook.alias].filter((n): n is string => typeof n === 'string');
      if (runsGitguard && atPrePush && hook.always_run !== false) return { at: `repos[${r}].hooks[${h}]`, names };
    }
  }
  return undefined;
}

function preCommit(
  yaml: Yaml,
  stub: string,
  top: string,
  dir: string,
  env: NodeJS.ProcessEnv,
): HookManager | undefined {
  if (!stub.includes('# File generated by pre-commit: https://pre-commit.com')) return undefined;
  if (!/--hook-type=pre-push\b/.test(stub)) return undefined;
  // `pre-commit install` keeps the hook it found as pre-push.legacy and runs it first, with git's
  // input: gitguard's own hook there (its marker intact) still checks every push.
  const legacy = join(dir, 'pre-push.legacy');
  const kept = read(legacy);
  const marker = kept === undefined ? 'absent' : checkHookMarker(kept);
  if (marker === 'valid')
    return { name: 'pre-commit', config: legacy, gitguard: "(gitguard's hook, which pre-commit runs first)" };
  if (marker === 'modified') return { name: 'pre-commit', config: legacy, modified: true };
  const named = /--config=([^\s)]+)/.exec(stub)?.[1] ?? '.pre-commit-config.yaml';
  const config = named.startsWith('/') ? named : join(top, named);
  const text = read(config);
  const entry = text === undefined ? undefined : preCommitEntry(yamlData(yaml, text));
  // pre-commit skips the hooks SKIP names (comma-separated, each stripped), by id or alias.
  const skipped = entry && (env.SKIP ?? '').split(',').some((x) => entry.names.includes(x.trim()));
  return {
    name: 'pre-commit',
    config,
    ...(entry ? { gitguard: entry.at } : {}),
    ...(skipped ? { skippedBy: `SKIP=${env.SKIP}` } : {}),
  };
}

/**
 * The hook manager behind a pre-push hook that is not gitguard's (no marker), and where its file runs
 * gitguard (`gitguard` unset: it does not). Undefined for a hook no known manager wrote.
 */
async function hookManagerOf(
  repo: RepositoryInfo,
  hook: HookInfo,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<HookManager | undefined> {
  let stub: string | undefined;
  try {
    stub = readBoundedIfExists(hook.path, MAX_FILE, { follow: true })?.toString('utf8');
  } catch {
    return undefined;
  }
  if (stub === undefined) return undefined;
  const fromHusky = husky(stub, hook, dir);
  if (fromHusky || !repo.workTree) return fromHusky;
  const yaml = await import('yaml');
  return lefthook(yaml, stub, repo.workTree, env) ?? preCommit(yaml, stub, repo.workTree, dir, env);
}

/** husky's `h` (and husky 4-8's husky.sh) exit 0 before they run anything on `HUSKY=0` (test/fixtures/hook-managers). */
const huskySkippedBy = (env: NodeJS.ProcessEnv): string | undefined => (env.HUSKY === '0' ? 'HUSKY=0' : undefined);

/**
 * The hooks (collectHooks), with the manager of a pre-push hook that is not gitguard's (see hookManagerOf). A
 * gitguard pre-push hook left in a folder git no longer uses is not bypassed when the manager's
 * hook where git looks runs gitguard (installed before husky took core.hooksPath over, say).
 */
export async function withHookManagers(
  repo: RepositoryInfo,
  config: ConfigEntry[],
  env: NodeJS.ProcessEnv = runEnv(),
): Promise<HooksFacts> {
  const facts = collectHooks(repo, config, env);
  const hooks = await Promise.all(
    facts.hooks.map(async (h) => {
      if (h.name !== 'pre-push' || h.marker !== 'absent') return h;
      const manager = await hookManagerOf(repo, h, facts.dir, env);
      // Only a hook that runs gitguard is switched off by it: one that never does runs no gitguard either way.
      const skippedBy = manager?.name === 'husky' && manager.gitguard ? huskySkippedBy(env) : undefined;
      return manager ? { ...h, manager: skippedBy ? { ...manager, skippedBy } : manager } : h;
    }),
  );
  const runsGitguard = hooks.some((h) => h.name === 'pre-push' && h.manager?.gitguard && !h.manager.skippedBy);
  const bypassed = runsGitguard ? facts.bypassed?.filter((h) => h.name !== 'pre-push') : facts.bypassed;
  const { bypassed: _, ...rest } = facts;
  return { ...rest, hooks, ...(bypassed?.length ? { bypassed } : {}) };
}
