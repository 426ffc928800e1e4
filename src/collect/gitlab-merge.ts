// GitLab's merge of one configuration read as a whole (gitlab-gate.ts judges the gate on it): each
// top-level key's definitions across `.gitlab-ci.yml` and the files it includes, the including
// file's first; a job's keys as GitLab's merge keeps them (its own, the maps it merges with `<<:`,
// the templates `extends:` names), `!reference` tags followed, keys as Psych reads them, and the
// values no file here fixes (an input, a remote include's template) read as the lenient ones.
import type { Document } from 'yaml';
import { resolveAlias } from './yaml-aliases.js';
import { psychKey, psychValue } from './yaml-refused.js';
import { MAX_EXTENDS, plainValue } from './yaml-nodes.js';

/**
 * A value no file here fixes: an input interpolation (`$[[ inputs.x ]]`: the including file's
 * `include: inputs:` sets it, before GitLab reads the file) or a `!reference` to a job no file here
 * defines (a remote or project include's). Where it can switch a job, it is read as the lenient value.
 */
export const UNKNOWN = Symbol('unknown');
export const interpolated = (v: unknown): boolean => typeof v === 'string' && v.includes('$[[');
const LENIENT: Readonly<Record<string, unknown>> = { allow_failure: true, when: 'never' };

/** How deep GitLab follows `!reference` tags (its limit is 10 levels). */
export const MAX_REFERENCES = 10;

/** A node and the document its aliases resolve in. */
export interface At {
  node: unknown;
  doc: Document;
}

/**
 * The merge of a configuration's files: `define` them (the including file first), then ask. `tick`
 * counts each node visited (it throws past the run's bound, which the caller catches).
 */
export function gitlabMerge(yaml: typeof import('yaml'), tick: () => void) {
  const resolved = (n: unknown, doc: Document): unknown => resolveAlias(yaml, n, doc);
  const scalar = (n: unknown, doc: Document): unknown => {
    const r = resolved(n, doc);
    return yaml.isScalar(r) ? psychValue(r) : r;
  };
  /** A map key as GitLab reads it: Psych's `:name` is the symbol deep_symbolize_keys makes of `name`. */
  const keyOf = (n: unknown, doc: Document): unknown => {
    const r = resolved(n, doc);
    return yaml.isScalar(r) ? psychKey(r) : r;
  };
  // A key written twice in one map: GitLab's YAML loader (Ruby's Psych) keeps the last value, so only
  // that one is read (the first would let `script: [gitguard]` then `script: [make]` keep the gate).
  const pairs = ({ node, doc }: At): Array<{ key: unknown; value: At }> => {
    if (!yaml.isMap(node)) return [];
    const all = node.items.map((p) => ({ key: keyOf(p.key, doc), value: { node: resolved(p.value, doc), doc } }));
    const last = new Map<unknown, number>(all.map((p, i) => [p.key, i]));
    return all.filter((p, i) => p.key === '<<' || last.get(p.key) === i);
  };
  // Each top-level key's definitions, the one GitLab takes first first: the including file's, then
  // the included ones', the last included first.
  const defs = new Map<string, At[]>();
  const tops: At[] = [];
  /** Each template's definitions resolved, by depth and name (see definitions). */
  const flat = new Map<string, At[]>();
  const define = (ones: ReadonlyArray<{ docs: readonly Document[] }>): void => {
    defs.clear();
    flat.clear();
    tops.length = 0;
    for (const { docs } of [ones[0]!, ...ones.slice(1).reverse()])
      for (const doc of docs) {
        tops.push({ node: doc.contents, doc });
        for (const { key, value } of pairs({ node: doc.contents, doc }))
          if (typeof key === 'string') defs.set(key, [...(defs.get(key) ?? []), value]);
      }
  };
  /** A `!reference [.job, key...]` followed to what it names; null: not one; undefined: names nothing here. */
  const referenced = (at: At, depth = 0): At | null | undefined => {
    tick();
    if (!yaml.isSeq(at.node) || at.node.tag !== '!reference') return null;
    const path = at.node.items.map((i) => scalar(i, at.doc));
    if (depth >= MAX_REFERENCES || !path.every((p) => typeof p === 'string')) return undefined;
    let found: At | undefined = defs.get(path[0] as string)?.[0];
    for (const key of path.slice(1)) found = found && pairs(found).find((p) => p.key === key)?.value;
    if (!found) return undefined;
    const again = referenced(found, depth + 1);
    return again === null ? found : again;
  };
  const deref = (at: At): At | undefined => {
    const r = referenced(at);
    return r === null ? at : r;
  };
  /** The jobs a job's `extends:` names, the last named first. */
  const extended = (job: At): string[] => {
    const ext = pairs(job).find((p) => p.key === 'extends')?.value;
    const names =
      ext && yaml.isSeq(ext.node) ? ext.node.items.map((i) => scalar(i, ext.doc)) : [ext && scalar(ext.node, ext.doc)];
    return names.filter((n): n is string => typeof n === 'string').reverse();
  };
  /** The value one key of each definition holds, in the definitions' order. */
  const candidatesOf = (ds: readonly At[], key: unknown): At[] =>
    ds.flatMap((d) => {
      const v = pairs(d).find((p) => p.key === key)?.value;
      return v ? [v] : [];
    });
  /**
   * A job's definitions in the order GitLab's merge prefers them: each definition (the including
   * file's first) with the maps it merges (`<<:`), then the templates the winning `extends:` names
   * (the last named first), each resolved the same way; one reached twice counts where first reached.
   */
  const definitions = (jobs: readonly At[], depth: number): At[] => {
    tick();
    const out: At[] = [];
    if (depth > MAX_EXTENDS) return out;
    const seen = new Set<unknown>();
    const add = (at: At): void => {
      if (seen.has(at.node)) return;
      seen.add(at.node);
      out.push(at);
    };
    const own = (job: At, d: number): void => {
      add(job);
      const merged = pairs(job).find((p) => p.key === '<<')?.value;
      if (d < MAX_EXTENDS)
        for (const m of merged && yaml.isSeq(merged.node) ? merged.node.items : merged ? [merged.node] : [])
          own({ node: resolved(m, job.doc), doc: job.doc }, d + 1);
    };
    for (const job of jobs) own(job, depth);
    const winner = out.find((d) => pairs(d).some((p) => p.key === 'extends'));
    // Templates resolved once per depth: a fan of templates each extending several others would
    // otherwise be walked once per path through it.
    for (const name of winner ? extended(winner) : []) {
      const k = `${depth + 1} ${name}`;
      if (!flat.has(k)) flat.set(k, definitions(defs.get(name) ?? [], depth + 1));
      flat.get(k)!.forEach(add);
    }
    return out;
  };
  /** A `!reference` followed (a reference to nothing here: UNKNOWN, as an input interpolation is). */
  const known = (at: At): At => deref(at) ?? { node: UNKNOWN, doc: at.doc };
  /** A key of a job as GitLab's merge reads it: the value of the definition it prefers. */
  const lookup = (jobs: readonly At[], key: string, depth: number): At | undefined => {
    const found = candidatesOf(definitions(jobs, depth), key)[0];
    return found && known(found);
  };
  /** Whether a node is a value no file here fixes (see UNKNOWN). */
  const unknown = (at: At): boolean => {
    const v = at.node === UNKNOWN ? UNKNOWN : scalar(at.node, at.doc);
    return v === UNKNOWN || interpolated(v);
  };
  /** A key's value as switchedOff reads it; one no file here fixes: the lenient one, where the key switches. */
  const value = (at: At | undefined, key: string): unknown =>
    at === undefined ? undefined : unknown(at) ? LENIENT[key] : plainValue(yaml, scalar(at.node, at.doc), at.doc);
  return {
    resolved,
    scalar,
    pairs,
    defs,
    tops,
    define,
    referenced,
    deref,
    extended,
    candidatesOf,
    definitions,
    known,
    lookup,
    unknown,
    value,
  };
}

/** One configuration's merge (gitlabMerge): its definitions and how GitLab reads a key of them. */
export type GitlabMerge = ReturnType<typeof gitlabMerge>;
