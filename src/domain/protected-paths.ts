// Which paths of each commit's tree the walk watches, so changes to protected files (the policy,
// CODEOWNERS, CI workflows, hooks) are seen in the same single pass: each protected pattern is watched
// at its longest literal prefix, and a commit "changes" it when that tree or blob id differs from
// every parent's.
import { CI_GATE_PATHS, WORKFLOW_FOLDERS } from './ci-systems.js';

/** The longest glob-free prefix of a pattern ("" when the first segment already has a wildcard). */
function watchPath(pattern: string): string {
  const segments = pattern.replace(/^\/+/, '').split('/');
  const literal: string[] = [];
  for (const s of segments) {
    if (/[*?[\]{}]/.test(s)) break;
    literal.push(s);
  }
  return literal.join('/');
}

// Whether a pattern can be watched: its first segment is literal (a pattern starting "**" or "*.yml" cannot be).
export function watchable(pattern: string): boolean {
  return watchPath(pattern) !== '';
}

/** Watched paths for a set of patterns: de-duplicated, and nested ones folded into their parent. */
export function watchList(patterns: readonly string[]): { paths: string[]; unwatchable: string[] } {
  const paths = new Set<string>();
  const unwatchable: string[] = [];
  for (const p of patterns) {
    const w = watchPath(p);
    if (w) paths.add(w);
    else unwatchable.push(p);
  }
  const sorted = [...paths].sort();
  return { paths: sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(`${q}/`))), unwatchable };
}

/** Whether a change at watched path `path` falls under `pattern` (which it was derived from, or not). */
export function coveredBy(path: string, pattern: string): boolean {
  const w = watchPath(pattern);
  return w !== '' && (path === w || path.startsWith(`${w}/`) || w.startsWith(`${path}/`));
}

/**
 * Whether a policy's patterns protect a changed watched path: one of them covers it, or covers the
 * protected path it stands for (`origins`: a nested .gitattributes stands for .gitattributes, a
 * file the CI runs for the CI file that runs it).
 */
export function protects(patterns: readonly string[], path: string, origins?: ReadonlyMap<string, string>): boolean {
  const origin = origins?.get(path);
  return patterns.some((pattern) => coveredBy(path, pattern) || (origin !== undefined && coveredBy(origin, pattern)));
}

/** Where CI gates live: files whose content names gitguard when the gate is in place (domain/ci-systems.ts). */
export const CI_PATHS: readonly string[] = CI_GATE_PATHS;

/** What the CI reads at each: a workflows folder's files (GitHub, Forgejo, Gitea), or GitLab's one file. */
export const CI_PATH_IS_FOLDER: Readonly<Record<string, boolean>> = Object.fromEntries(
  CI_PATHS.map((p) => [p, WORKFLOW_FOLDERS.includes(p)]),
);

/** A CI file, or a file the CI runs (`origins`, as for protects). */
export function isCiFile(path: string, origins?: ReadonlyMap<string, string>): boolean {
  const ci = CI_PATHS;
  return ci.some((c) => path === c || path.startsWith(`${c}/`)) || ci.includes(origins?.get(path) ?? '');
}
