// The files of the repository a CI configuration runs besides itself: a GitHub workflow's or
// composite action's `uses: ./path` (a local action folder or a reusable workflow file) and a
// `.gitlab-ci.yml`'s local includes (`include: local: /path`, or a plain path in `include:`).
// Changing one of them changes what CI runs as surely as editing the workflow, so they are
// protected like the CI file that names them, and the CI gate is looked for in them too. Read by
// line, not by a YAML parser: the forms are few, and a line misread only widens or narrows the
// watched set, never what a verdict means. No `..`, no absolute or URL paths.
import { WORKFLOW_FOLDERS } from './ci-systems.js';

/** The files `uses: ./` (the root folder as an action) runs. */
export const ROOT_ACTION = ['action.yml', 'action.yaml'];

/** At most this many references from one file (a generated workflow could name thousands). */
const MAX_REFS_PER_FILE = 64;

/** A path as a reference names it, relative to the repository root; undefined when it is not a local path. */
function localPath(raw: string): string | undefined {
  const p = raw
    .trim()
    .replace(/^(['"])(.*)\1$/, '$2')
    .replace(/^\.\//, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  if (!p || p.includes('://') || p.includes('$') || p.startsWith('~')) return undefined;
  const segments = p.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return p;
}

/** A line's value after `key:` (comment cut), or undefined. */
function valueOf(line: string, key: string): string | undefined {
  const m = new RegExp(`^\\s*(?:-\\s+)?${key}\\s*:\\s*(.*)$`).exec(line);
  if (!m) return undefined;
  return m[1]!.replace(/\s+#.*$/, '').trim();
}

/** `uses: ./x` of a workflow or an action.yml: the local actions and reusable workflows it runs. */
function workflowReferences(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const v = valueOf(line, 'uses');
    if (v === undefined) continue;
    addUses(out, v);
    if (out.size >= MAX_REFS_PER_FILE) break;
  }
  return [...out];
}

/** The local files one `uses:` value runs, added to `out`. */
function addUses(out: Set<string>, v: string): void {
  const unquoted = v.trim().replace(/^(['"])(.*)\1$/, '$2');
  // `uses: ./` runs the action at the repository's root: its action.yml.
  if (/^\.\/?(?:@.*)?$/.test(unquoted)) for (const f of ROOT_ACTION) out.add(f);
  if (!unquoted.startsWith('./')) return;
  const p = localPath(unquoted.replace(/@.*$/, ''));
  if (p) out.add(p);
}

/**
 * The local files a `.gitlab-ci.yml` (or a file it includes) includes. Only the include list's own
 * items count (a plain string, or an item's `local:`): the lists nested in an item (`project:`'s
 * `file:` list, naming another project's files, `inputs:`, `rules: - exists:`) name no file run here.
 */
function gitlabReferences(text: string): string[] {
  const out = new Set<string>();
  let inInclude = false;
  let includeIndent = 0;
  // The column of the include list's dashes, and of the keys of its items (or of a mapping's keys).
  let itemCol = -1;
  let keyCol = -1;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const indent = /^\s*/.exec(line)![0].length;
    const include = valueOf(line, 'include');
    if (include !== undefined && !line.trimStart().startsWith('-')) {
      inInclude = true;
      includeIndent = indent;
      itemCol = -1;
      keyCol = -1;
      // `include: /path.yml`, or a flow list `include: ['/a.yml', '/b.yml']`
      const items = include.replace(/^\[(.*)\]$/, '$1').split(',');
      for (const item of items) addPlain(out, item);
      continue;
    }
    if (inInclude && indent <= includeIndent && !line.trimStart().startsWith('-')) inInclude = false;
    if (!inInclude) continue;
    const dash = /^(\s*)-(\s+)(.*)$/.exec(line);
    if (dash && itemCol < 0) itemCol = indent;
    if (dash && indent === itemCol) {
      keyCol = indent + 1 + dash[2]!.length;
      const item = dash[3]!;
      const local = valueOf(item, 'local');
      if (local !== undefined) {
        const p = localPath(local);
        if (p) out.add(p);
      } else if (!/^[\w-]+\s*:/.test(item)) {
        // A plain string (not `remote:`, `project:`, `template:`, `component:`).
        addPlain(out, item.replace(/\s+#.*$/, ''));
      }
    } else if (!dash) {
      if (keyCol < 0 && itemCol < 0) keyCol = indent; // `include:` as one mapping
      const local = indent === keyCol ? valueOf(line, 'local') : undefined;
      if (local !== undefined) {
        const p = localPath(local);
        if (p) out.add(p);
      }
    }
    if (out.size >= MAX_REFS_PER_FILE) break;
  }
  return [...out];
}

/** A plain include string: a local file unless it is a URL (GitLab reads such a string as `remote:`). */
function addPlain(out: Set<string>, raw: string): void {
  const v = raw.trim();
  if (!v || /^[{[]/.test(v)) return;
  const p = localPath(v);
  if (p) out.add(p);
}

/** What a file of the CI configuration (or one it runs) runs, by the CI file it was named from. */
export function referencesIn(text: string, origin: string): string[] {
  return origin === '.gitlab-ci.yml' ? gitlabReferences(text) : workflowReferences(text);
}

/** The YAML key whose values name the files a CI file of `origin` runs. */
export const referenceKey = (origin: string): string => (origin === '.gitlab-ci.yml' ? 'include' : 'uses');

/**
 * The files named by the values of referenceKey(origin), as a YAML parser read them (strings, and
 * for `include:` also lists and `local:` maps: `value` is the parsed value), at most MAX_REFS_PER_FILE.
 */
export function referencesOfValues(values: readonly unknown[], origin: string): string[] {
  const out = new Set<string>();
  const gitlab = origin === '.gitlab-ci.yml';
  const add = (v: unknown): void => {
    if (out.size >= MAX_REFS_PER_FILE) return;
    if (typeof v === 'string') {
      if (gitlab) addPlain(out, v);
      else addUses(out, v);
    } else if (gitlab && Array.isArray(v)) {
      for (const item of v as unknown[]) add(item);
    } else if (gitlab && v instanceof Map) {
      const local: unknown = (v as Map<unknown, unknown>).get('local');
      const p = typeof local === 'string' ? localPath(local) : undefined;
      if (p) out.add(p);
    }
  };
  for (const v of values) add(v);
  return [...out];
}

/** Whether a runner reads the file `name` of the folder `folder`: a workflow, or a local action's definition. */
export function runsFile(folder: string, name: string): boolean {
  return WORKFLOW_FOLDERS.includes(folder) ? /\.ya?ml$/.test(name) : name === 'action.yml' || name === 'action.yaml';
}

/**
 * The local files a CI file calls only after a step of the same job that loses the gate (a download
 * over `~/.local/bin/npx`, a cache restored into the workspace): `uses`, each `uses:` value as the
 * steps' reading meets it, and whether it is lost there. One also called where it is not stays.
 */
export function lostReferences(uses: ReadonlyArray<readonly [string, boolean]>, origin: string): string[] {
  const kept = new Set(
    referencesOfValues(
      uses.flatMap(([u, l]) => (l ? [] : [u])),
      origin,
    ),
  );
  return referencesOfValues(
    uses.flatMap(([u, l]) => (l ? [u] : [])),
    origin,
  ).filter((r) => !kept.has(r));
}
