// The jobs of a GitHub workflow that never run for a change (domain/job-needs.ts: an `if:` never true,
// a `needs:` on such a job), read from its YAML: their steps gate nothing, and a reusable workflow or
// action only they call (`uses: ./.github/workflows/gate.yml`) runs for no change.
import type { Document } from 'yaml';
import { resolveAlias } from './yaml-aliases.js';
import { deadJobs, type JobRun } from '../domain/job-needs.js';
import { referencesOfValues } from '../domain/ci-references.js';

type Yaml = typeof import('yaml');

/** Nodes visited looking for `uses:` in one document (past it: every reference counts). */
const MAX_USES_VISITS = 100_000;

/** A workflow's jobs: each name and its node, aliases resolved. */
function jobsOf(yaml: Yaml, doc: Document): Array<[unknown, unknown]> {
  const scalar = (n: unknown): unknown => {
    const r = resolveAlias(yaml, n, doc);
    return yaml.isScalar(r) ? r.value : r;
  };
  const top = resolveAlias(yaml, doc.contents, doc);
  const jobs = yaml.isMap(top) ? scalar(top.items.find((p) => scalar(p.key) === 'jobs')?.value) : undefined;
  return yaml.isMap(jobs) ? jobs.items.map((p) => [scalar(p.key), resolveAlias(yaml, p.value, doc)]) : [];
}

/** The job nodes of `doc` that never run (`never`: an `if:` never true); 'all': GitHub refuses the workflow. */
export function deadJobNodes(yaml: Yaml, doc: Document, never: (condition: unknown) => boolean): Set<unknown> | 'all' {
  const scalar = (n: unknown): unknown => {
    const r = resolveAlias(yaml, n, doc);
    return yaml.isScalar(r) ? r.value : r;
  };
  const nodes = new Map<string, unknown>();
  const runs = new Map<string, JobRun>();
  for (const [name, node] of jobsOf(yaml, doc)) {
    if (typeof name !== 'string' || !yaml.isMap(node)) continue;
    const get = (k: string): unknown => scalar(node.items.find((q) => scalar(q.key) === k)?.value);
    const [condition, needs] = [get('if'), get('needs')];
    nodes.set(name, node);
    runs.set(name, {
      never: never(condition),
      needs: yaml.isSeq(needs) ? needs.items.map(scalar) : [needs],
      condition,
    });
  }
  const dead = deadJobs(runs);
  return dead === 'all' ? dead : new Set([...dead].map((n) => nodes.get(n)));
}

/** The `uses:` values under `node` (a job's, its steps'); undefined past MAX_USES_VISITS. */
function usesUnder(yaml: Yaml, doc: Document, node: unknown): unknown[] | undefined {
  const out: unknown[] = [];
  let visits = 0;
  const walk = (n: unknown): boolean => {
    if ((visits += 1) > MAX_USES_VISITS) return false;
    const r = resolveAlias(yaml, n, doc);
    if (yaml.isSeq(r)) return r.items.every(walk);
    if (!yaml.isMap(r)) return true;
    for (const p of r.items) {
      const key = resolveAlias(yaml, p.key, doc);
      const v = resolveAlias(yaml, p.value, doc);
      if (yaml.isScalar(key) && key.value === 'uses' && yaml.isScalar(v)) out.push(v.value);
      else if (!walk(p.value)) return false;
    }
    return true;
  };
  return walk(node) ? out : undefined;
}

/**
 * The local files (`uses: ./x`) only jobs that never run name in `doc` (`dead`: deadJobNodes): a
 * reusable workflow a job with `if: false` calls runs for no change. `origin`: the CI file it stands for.
 */
export function deadReferences(yaml: Yaml, doc: Document, dead: Set<unknown> | 'all', origin: string): string[] {
  if (dead === 'all') return referencesOfValues(usesUnder(yaml, doc, doc.contents) ?? [], origin);
  const deadUses: unknown[] = [];
  const live: unknown[] = [];
  for (const [, node] of jobsOf(yaml, doc)) {
    const uses = usesUnder(yaml, doc, node);
    if (uses === undefined) return [];
    (dead.has(node) ? deadUses : live).push(...uses);
  }
  const kept = new Set(referencesOfValues(live, origin));
  return referencesOfValues(deadUses, origin).filter((r) => !kept.has(r));
}
