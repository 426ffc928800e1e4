// GitLab's switches on what a configuration runs for a change, read on its merged whole
// (gitlab-gate.ts gitlabSteps, gitlab-merge.ts): `rules:` taken first-match (a job's, an include's,
// `workflow:`'s), the stages `stages:` lists, and a job in a stage it does not list, for which GitLab
// refuses the configuration; the files it includes, each by its entry's `rules:`.
import { interpolated, MAX_REFERENCES, UNKNOWN, type At, type GitlabMerge } from './gitlab-merge.js';
import { DEFAULT_STAGES, GLOBAL } from '../domain/gitlab-config.js';
import { switchedOff } from '../domain/switched-off.js';
import { changesNever } from '../domain/push-filters.js';
import type { Document } from 'yaml';
import { referencesOfValues } from '../domain/ci-references.js';
import { ciReferencesIn } from './ci-yaml.js';
import { plainValue } from './yaml-nodes.js';
import { nodeValue } from './ci-images.js';
import type { IncludeEntry } from './gitlab-includes.js';

const GITLAB_CI = '.gitlab-ci.yml';

/** A rule's keys that make it match only sometimes (else it matches always). */
const CONDITIONS = ['if', 'changes', 'exists'];

/** A YAML list as plain data, anything else as it is. */
export const listedIn =
  (yaml: typeof import('yaml')) =>
  (v: unknown): unknown =>
    yaml.isSeq(v) ? v.toJSON() : v;

/** The switches of one configuration, read through its merge; `files`: the tip's files (`changes:`), where listed. */
export function gitlabRules(yaml: typeof import('yaml'), merge: GitlabMerge, files: readonly string[] | undefined) {
  const { resolved, scalar, defs, known, lookup, unknown, value } = merge;
  const listed = listedIn(yaml);
  /**
   * `rules:` under which the job never runs as a gate. GitLab takes the first rule that matches: a
   * rule that runs the job and cannot let it fail counts (its `if:`, `changes:` or `exists:` may
   * hold), unless a rule before it matches always (none of those) and never runs it or lets it fail;
   * no rule matching runs nothing. A rule no file here fixes may be `when: never`.
   */
  const rulesOff = (rules: At | undefined): boolean => {
    if (!rules) return false;
    const list: At[] = [];
    const add = (at: At, depth: number): void => {
      const r = known(at);
      if (!yaml.isSeq(r.node) || depth >= MAX_REFERENCES) list.push(r);
      else for (const i of r.node.items) add({ node: resolved(i, r.doc), doc: r.doc }, depth + 1);
    };
    const top = known(rules);
    if (!yaml.isSeq(top.node)) return unknown(top);
    add(top, 0);
    if (!list.length) return false;
    for (const rule of list) {
      if (!yaml.isMap(rule.node)) return true;
      // `changes: [nothing]`: matches no change to a file the tip holds (domain/push-filters.ts).
      if (changesNever(listed(value(lookup([rule], 'changes', 0), 'changes')), files)) continue;
      if (!switchedOff((key) => value(lookup([rule], key, 0), key))) return false;
      if (!CONDITIONS.some((key) => lookup([rule], key, 0) !== undefined)) return true;
    }
    return true;
  };
  /** The stages `stages:` lists (nested lists flattened), `.pre` and `.post`; undefined where a name is no plain string. */
  const stagesListed = (): Set<unknown> | undefined => {
    const list = defs.get('stages')?.[0];
    const names: unknown[] = [];
    const add = (at: At, depth: number): void => {
      const r = known(at);
      if (yaml.isSeq(r.node) && depth < MAX_REFERENCES)
        for (const i of r.node.items) add({ node: resolved(i, r.doc), doc: r.doc }, depth + 1);
      else names.push(unknown(r) ? UNKNOWN : scalar(r.node, r.doc));
    };
    if (list) add(list, 0);
    else names.push(...DEFAULT_STAGES);
    return names.every((n) => typeof n === 'string') ? new Set(['.pre', '.post', ...names]) : undefined;
  };
  /** A job in a stage `stages:` does not list: GitLab refuses the configuration ("chosen stage does not exist"). */
  const strayStage = (): boolean => {
    const stages = stagesListed();
    if (!stages) return false;
    for (const [name, jobs] of defs) {
      if (name.startsWith('.') || interpolated(name) || GLOBAL.has(name)) continue;
      const stage = value(lookup(jobs, 'stage', 0), 'stage') ?? 'test';
      if (typeof stage === 'string' && !interpolated(stage) && !stages.has(stage)) return true;
    }
    return false;
  };
  return { rulesOff, stagesListed, strayStage };
}

/** The files a configuration reached, its include entries and, per file reached, the local path each names. */
export interface Included {
  reached: ReadonlySet<string>;
  /** A file no file here holds named for gitguard: a mention. */
  remote: boolean;
  includeEntries: IncludeEntry[];
  includes: Map<string, Array<string | undefined>>;
}

/**
 * The files GitLab includes: from `.gitlab-ci.yml` (`parsed`' first) through the include entries whose
 * `rules:` may include them (first-match, as a job's: `- when: never` first includes nothing). An
 * included file GitLab leaves out holds no gate, nor do the files only it includes. `runs`: whether a
 * value names gitguard where it runs.
 */
export async function includedFiles(
  yaml: typeof import('yaml'),
  merge: GitlabMerge,
  parsed: ReadonlyArray<{ path: string; text: string; docs: readonly Document[] }>,
  rulesOff: (rules: At | undefined) => boolean,
  runs: (at: At) => boolean,
): Promise<Included> {
  const { resolved, scalar, pairs, known, lookup } = merge;
  const reached = new Set([parsed[0]!.path]);
  let remote = false;
  /** The include entries GitLab may take, and whether each names a file no file here holds (gitlab-includes.ts). */
  const includeEntries: IncludeEntry[] = [];
  /** Per file reached, the entries GitLab includes (the local path each names): domain/gitlab-config.ts. */
  const includes = new Map<string, Array<string | undefined>>();
  for (const file of parsed) {
    if (!reached.has(file.path)) continue;
    const off = new Set<string>();
    const on = new Set<string>();
    const counted: Array<string | undefined> = [];
    for (const doc of file.docs) {
      const include = pairs({ node: doc.contents, doc }).find((p) => p.key === 'include')?.value;
      const entries = include && yaml.isSeq(include.node) ? include.node.items : include ? [include.node] : [];
      for (const item of entries) {
        const entry = known({ node: resolved(item, doc), doc });
        const rules = yaml.isMap(entry.node) ? lookup([entry], 'rules', 0) : undefined;
        const named = referencesOfValues([plainValue(yaml, scalar(entry.node, doc), doc)], GITLAB_CI);
        const never = rules !== undefined && rulesOff(rules);
        // A file no file here holds (remote, project, template, component) named for gitguard: a
        // mention; a local one is read, its name counting for nothing.
        if (!never && !named.length && runs(entry)) remote = true;
        for (const path of named) (never ? off : on).add(path);
        if (!never) counted.push(named[0]);
        if (!never) includeEntries.push({ value: nodeValue(yaml, entry.node, entry.doc), foreign: !named.length });
      }
    }
    includes.set(file.path, counted);
    for (const ref of await ciReferencesIn(file.text, GITLAB_CI)) if (!off.has(ref) || on.has(ref)) reached.add(ref);
  }
  return { reached, remote, includeEntries, includes };
}
