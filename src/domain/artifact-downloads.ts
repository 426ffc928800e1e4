// The artifacts a GitLab job downloads before its scripts: by default those of every job of an earlier
// stage, with `dependencies:` the jobs it lists, with `needs:` the jobs it needs but those given
// `artifacts: false`, none with `needs: []` or `dependencies: []` (gitlab-dotenv.ts reads the same
// order for dotenv reports). The runner unpacks each archive into the project folder after the clone,
// and what an earlier job uploads is the change's: its script (`npm ci` runs the change's install
// scripts) made the files. So the paths an upload names are files the gate job finds written before
// its audit, read as a plain restore is (action-writes.ts, checkout-writes.ts): under plain folders
// that no lookup of the gate reads (`dist/`, `coverage/`) a direct call of gitguard at the root keeps
// its gate; `node_modules`, `.npmrc`, `package.json`, `.git`, the whole folder, and `untracked: true`
// (every file git does not track) lose it.
//
// The runner's archive holds links as links, with any target, and its unpacking (the helper's
// archives/zip_extract.go) makes each folder above an entry with MkdirAll and opens the entry's file
// by name, both of which follow a link an earlier entry made. The uploader (file_archiver.go) adds the
// files of a literal path by a walk that does not go into a link, but matches a pattern with
// doublestar's Glob, which does, and adds a literal path named through a link: a pattern (`dist/**`),
// a path at, above or under another one (`dist/` and `dist/l/x`, in one job or two: `dist/l` a link
// to `/usr/local/bin` in one archive, `dist/l/gitguard` in another) may write anywhere. Those, and a
// variable (GitLab expands it), an absolute path or a `..`, reach anywhere: no gate.
import { dotenvReaches, type DotenvJob, type JobOrder } from './gitlab-dotenv.js';
import { LOOKUP_NAME, workspacePaths } from './action-writes.js';
import { restoreApart } from './restore-apart.js';
import type { Earlier, EarlierResult } from './earlier-steps.js';

/** A job of the configuration with the paths its artifacts upload (uploadOf: none left out). */
export interface ArtifactJob extends DotenvJob {
  paths: readonly string[] | 'anywhere';
}

/** A map's value by key, as a YAML reading gives it (a Map or a plain object). */
function field(v: unknown, key: string): unknown {
  if (v instanceof Map) return (v as Map<unknown, unknown>).get(key);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

/** A YAML value the runner reads as off: absent, null or false. */
const unset = (v: unknown): boolean => v === undefined || v === null || v === false;

/**
 * The workspace paths one `artifacts:` value uploads (a trailing `/` dropped); `anywhere` where its
 * files may land outside them: not read, no map, `untracked:` set, `paths:` no list, or a path that
 * is no plain relative name (a pattern, a variable, `.`, `..`, absolute, `.git`). Reports are other
 * artifacts no later job unpacks (dotenv's variables are gitlab-dotenv.ts's).
 */
function uploadedPaths(value: unknown, unread: unknown): readonly string[] | 'anywhere' {
  if (unset(value)) return [];
  if (value === unread || typeof value !== 'object' || Array.isArray(value)) return 'anywhere';
  if (!unset(field(value, 'untracked'))) return 'anywhere';
  const paths = field(value, 'paths');
  if (unset(paths)) return [];
  if (!Array.isArray(paths)) return 'anywhere';
  const out: string[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || /[\n!]/.test(p)) return 'anywhere';
    const [plain] = workspacePaths(() => p.trim().replace(/^\.\//, ''));
    if (plain === undefined) return 'anywhere';
    out.push(plain);
  }
  return [...new Set(out)];
}

/** The paths a job's `artifacts:` values (each definition's, plain; `unread` for one not read) upload together (uploadedPaths). */
export function uploadOf(values: readonly unknown[], unread: unknown): readonly string[] | 'anywhere' {
  const got = values.map((a) => uploadedPaths(a, unread));
  return got.includes('anywhere') ? 'anywhere' : [...new Set(got.flat())];
}

/**
 * What the artifacts `job` downloads write before its scripts (`stages`: the stages in order, as
 * dotenvReaches takes them), as an earlier step's reading (earlier-steps.ts EarlierResult): none;
 * `loses`; or a plain restore of their paths, each read at the commit for a link on its way
 * (restore-links.ts).
 */
export function artifactDownloads(
  job: JobOrder,
  sources: readonly ArtifactJob[],
  stages: readonly string[] | undefined,
): EarlierResult {
  const paths: string[] = [];
  for (const source of sources) {
    if (!source.paths.length || !dotenvReaches(job, [source], stages)) continue;
    if (source.paths === 'anywhere') return { kind: 'loses' };
    paths.push(...source.paths);
  }
  if (!paths.length) return { kind: 'none' };
  // One path at, above or under another: a link one archive holds, an entry of another written through it.
  if (paths.some((p, i) => LOOKUP_NAME.test(p) || !restoreApart([p], paths.slice(i + 1)))) return { kind: 'loses' };
  const restores: Earlier[] = paths.map((path) => ({
    script: '',
    folder: '',
    goMoved: false,
    restore: { path, reach: 'plain' },
  }));
  return { kind: 'restore', reach: 'plain', paths: restores };
}
