// GitLab reads `.gitlab-ci.yml` and the local files it includes as one configuration, the including
// file's keys over the included ones': a job takes keys from a hidden job of any of them
// (`extends:`, `!reference [.job, key]`), and a hidden job (`.name`) never runs by itself. Read file
// by file, a job made lenient by a template of an included file (`extends: .lenient`) or by a
// reference, a gate left only in a hidden job, or `rules:` that never run it kept the gate. So the
// gitguard step is looked for in the whole: in a job that runs and can fail, with what it takes from
// the others; `rules:` whose every entry says `when: never` or `allow_failure: true` run nothing that
// can fail, and a `workflow:` whose rules all say never runs no pipeline. A name no file here
// defines (a template of a remote or project include) counts as a mention, as file by file.
import type { Document } from 'yaml';
import { resolveAlias } from './yaml-aliases.js';
import { GITGUARD, literally, MAX_EXTENDS, MAX_VISITS, mayParse, namesGitguard, switchedOff } from './ci-yaml.js';

/** GitLab's global keywords: top-level keys that are no job. */
const GLOBAL = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
  'spec',
]);

/** How deep GitLab follows `!reference` tags (its limit is 10 levels). */
const MAX_REFERENCES = 10;

/** A node and the document its aliases resolve in. */
interface At {
  node: unknown;
  doc: Document;
}

/**
 * Whether GitLab's configuration, `.gitlab-ci.yml`'s text first and then the files it includes, runs
 * gitguard in a job that runs and can fail. Past the parser's limits each file is read alone.
 */
export async function gitlabRunsGitguard(texts: readonly string[]): Promise<boolean> {
  if (!texts.some((t) => GITGUARD.test(t))) return false;
  if (!texts.every((t) => mayParse(t))) {
    for (const t of texts) if (await namesGitguard(t)) return true;
    return false;
  }
  const yaml = await import('yaml');
  let visits = 0;
  const tick = (): void => {
    if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
  };
  const resolved = (n: unknown, doc: Document): unknown => resolveAlias(yaml, n, doc);
  const scalar = (n: unknown, doc: Document): unknown => {
    const r = resolved(n, doc);
    return yaml.isScalar(r) ? r.value : r;
  };
  const pairs = ({ node, doc }: At): Array<{ key: unknown; value: At }> =>
    yaml.isMap(node)
      ? node.items.map((p) => ({ key: scalar(p.key, doc), value: { node: resolved(p.value, doc), doc } }))
      : [];
  try {
    // Each top-level key's definitions, the one GitLab takes first first: the including file's, then
    // the included ones', the last included first.
    const defs = new Map<string, At[]>();
    const tops: At[] = [];
    for (const text of [texts[0]!, ...texts.slice(1).reverse()])
      for (const doc of yaml.parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false })) {
        if (!(doc instanceof yaml.Document)) continue;
        tops.push({ node: doc.contents, doc });
        for (const { key, value } of pairs({ node: doc.contents, doc }))
          if (typeof key === 'string') defs.set(key, [...(defs.get(key) ?? []), value]);
      }
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
        ext && yaml.isSeq(ext.node)
          ? ext.node.items.map((i) => scalar(i, ext.doc))
          : [ext && scalar(ext.node, ext.doc)];
      return names.filter((n): n is string => typeof n === 'string').reverse();
    };
    /** A key of a job's definitions as GitLab reads it: set there, else merged (`<<:`), else from what it extends. */
    const lookup = (jobs: readonly At[], key: string, depth: number): At | undefined => {
      tick();
      if (depth > MAX_EXTENDS) return undefined;
      for (const job of jobs) {
        const own = pairs(job).find((p) => p.key === key)?.value;
        if (own) return deref(own);
        const merged = pairs(job).find((p) => p.key === '<<')?.value;
        for (const m of merged && yaml.isSeq(merged.node) ? merged.node.items : merged ? [merged.node] : []) {
          const found = lookup([{ node: resolved(m, job.doc), doc: job.doc }], key, depth + 1);
          if (found) return found;
        }
        for (const name of extended(job)) {
          const found = lookupIn(name, key, depth + 1);
          if (found) return found;
        }
      }
      return undefined;
    };
    // Templates looked up once per key and depth: a fan of templates each extending several others
    // would otherwise be walked once per path through it.
    const looked = new Map<string, At | undefined>();
    const lookupIn = (name: string, key: string, depth: number): At | undefined => {
      const k = `${depth} ${key} ${name}`;
      if (!looked.has(k)) looked.set(k, lookup(defs.get(name) ?? [], key, depth));
      return looked.get(k);
    };
    const value = (at: At | undefined): unknown => (at ? scalar(at.node, at.doc) : undefined);
    /** `rules:` whose every entry never runs the job, or lets it fail. */
    const rulesOff = (rules: At | undefined): boolean => {
      const list: At[] = [];
      const add = (at: At, depth: number): boolean => {
        const r = deref(at);
        if (!r) return false;
        if (!yaml.isSeq(r.node)) return (list.push(r), true);
        return (
          depth < MAX_REFERENCES && r.node.items.every((i) => add({ node: resolved(i, r.doc), doc: r.doc }, depth + 1))
        );
      };
      if (!rules || !yaml.isSeq(deref(rules)?.node) || !add(rules, 0) || !list.length) return false;
      return list.every((rule) => {
        const get = (key: string): unknown => value(lookup([rule], key, 0));
        return get('when') === 'never' || literally(get('allow_failure'), true);
      });
    };
    /** Whether a value names gitguard where it runs (GitHub-style steps in it judged as namesGitguard does). */
    const runs = (at: At): boolean => {
      tick();
      const r = referenced(at);
      // A reference to nothing here: its names count as a mention.
      const { node, doc } = r ?? at;
      if (yaml.isScalar(node)) return typeof node.value === 'string' && GITGUARD.test(node.value);
      if (yaml.isSeq(node)) return node.items.some((i) => runs({ node: resolved(i, doc), doc }));
      if (yaml.isMap(node))
        return (
          !switchedOff((key) => value(lookup([{ node, doc }], key, 0))) &&
          pairs({ node, doc }).some((p) => runs(p.value))
        );
      return false;
    };
    /** What a job runs: its definitions' values and, through `extends:`, those of the jobs it names. */
    const read = new Map<string, boolean>();
    const contents = (jobs: readonly At[], depth: number): boolean => {
      tick();
      return (
        depth <= MAX_EXTENDS &&
        jobs.some(
          (job) =>
            pairs(job).some((p) => p.key !== 'extends' && runs(p.value)) ||
            extended(job).some((name) => (defs.has(name) ? templateRuns(name, depth + 1) : GITGUARD.test(name))),
        )
      );
    };
    // Each template read once per depth, as lookupIn.
    const templateRuns = (name: string, depth: number): boolean => {
      const k = `${depth} ${name}`;
      if (!read.has(k)) read.set(k, contents(defs.get(name)!, depth));
      return read.get(k)!;
    };
    const workflow = defs.get('workflow');
    if (workflow && rulesOff(lookup(workflow, 'rules', 0))) return false;
    for (const [name, jobs] of defs) {
      if (name.startsWith('.')) continue;
      if (GLOBAL.has(name)) {
        if (jobs.some(runs)) return true;
        continue;
      }
      const get = (key: string): unknown => value(lookup(jobs, key, 0));
      if (switchedOff(get) || rulesOff(lookup(jobs, 'rules', 0))) continue;
      if (contents(jobs, 0)) return true;
    }
    // A document that is no map of jobs: any mention where it runs.
    return tops.some((t) => !yaml.isMap(t.node) && runs(t));
  } catch {
    return true;
  }
}
