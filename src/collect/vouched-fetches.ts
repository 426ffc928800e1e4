// The fetch-and-run lines (domain/fetched-code.ts) the CI where the range starts (--base, else the trust
// root) ran, per job: GitHub's by workflow file path and job id, from its steps' `run:` alone (a
// reusable workflow's lines belong to its own file), GitLab's by job name as the start's configuration
// ran it (its includes, `extends:` and `default:` merged: gitlab-gate.ts gitlabSteps). A line keeps a
// gate only in the job that ran it: one the start ran in a lint job, moved into the gate job, is the
// change's. Job ids alone would not do (a gate job renamed to the lint job's id in another file). Set
// by trusted-actions.ts; per run.
import { runContext } from './run-context.js';
import type { YAMLMap } from 'yaml';
import { fetchLines, type FetchLines } from '../domain/fetched-code.js';
import { literally } from '../domain/switched-off.js';

/** At most this many fetch-and-run lines vouched for in one run. */
const MAX_FETCHES = 256;
/** At most this many jobs, and steps of a job, read in one workflow at the start. */
const MAX_JOBS = 1_000;
const MAX_STEPS = 1_000;
const NONE: FetchLines = new Set();

/** The lines, by `path\0job` (GitHub) and by job name (GitLab). */
export interface StartFetches {
  github: Map<string, Set<string>>;
  gitlab: Map<string, Set<string>>;
  count: number;
}

const fetchesIn = new WeakMap<object, { start: StartFetches; keys: Map<string, string>; all: string }>();

export const startFetches = (): StartFetches => ({ github: new Map(), gitlab: new Map(), count: 0 });

function add(into: StartFetches, map: Map<string, Set<string>>, key: string, text: string): void {
  for (const line of fetchLines(text)) {
    if (into.count >= MAX_FETCHES) return;
    const set = map.get(key) ?? new Set<string>();
    map.set(key, set);
    if (!set.has(line)) into.count += 1;
    set.add(line);
  }
}

/**
 * Adds the lines each job of a GitHub workflow at `path` ran: its steps' `run:` strings, the step and
 * the job not switched off by a literal `if: false` (aliases not followed). A line held anywhere else
 * (an `env:` value, a `name:`, a `with:` input, an `if:`) ran nothing, so vouches for nothing.
 */
export async function githubFetchesIn(path: string, text: string, into: StartFetches): Promise<void> {
  const yaml = await import('yaml');
  const off = (node: unknown): boolean => !yaml.isMap(node) || literally(node.get('if'), false);
  try {
    for (const doc of yaml.parseAllDocuments(text)) {
      const jobs = doc.errors.length || !yaml.isMap(doc.contents) ? undefined : doc.contents.get('jobs', true);
      if (!yaml.isMap(jobs)) continue;
      for (const p of jobs.items.slice(0, MAX_JOBS)) {
        if (!yaml.isScalar(p.key) || off(p.value)) continue;
        const steps = (p.value as YAMLMap).get('steps', true);
        if (!yaml.isSeq(steps)) continue;
        for (const step of steps.items.slice(0, MAX_STEPS)) {
          const script = off(step) ? undefined : (step as YAMLMap).get('run');
          if (typeof script === 'string') add(into, into.github, `${path}\0${String(p.key.value)}`, script);
        }
      }
    }
  } catch {
    // Not read: it vouches for nothing.
  }
}

/** Adds the script of each GitLab job the start ran (gitlabSteps' steps, named). */
export function gitlabFetchesIn(steps: ReadonlyArray<{ job?: string; script: string }>, into: StartFetches): void {
  for (const s of steps) if (s.job !== undefined) add(into, into.gitlab, s.job, s.script);
}

/** Entries as text for a memo key, in one order. */
const keyOf = (entries: Iterable<[string, Set<string>]>): string =>
  [...entries]
    .map(([k, lines]) => `${k}\0${[...lines].sort().join('\0')}`)
    .sort()
    .join('\n');

/** Sets the run's lines (undefined: no start, nothing vouched for). */
export function setVouchedFetches(start: StartFetches | undefined): void {
  if (!start) return void fetchesIn.delete(runContext());
  fetchesIn.set(runContext(), { start, keys: new Map(), all: `${keyOf(start.github)}\n\n${keyOf(start.gitlab)}` });
}

/** The lines the start ran in job `job` of the GitHub file at `path` (none where either is unknown). */
export function githubFetches(path: string | undefined, job: string | undefined): FetchLines {
  if (path === undefined || job === undefined) return NONE;
  return fetchesIn.get(runContext())?.start.github.get(`${path}\0${job}`) ?? NONE;
}

/** The lines the start's GitLab job `name` ran. */
export const gitlabFetches = (name: string): FetchLines => fetchesIn.get(runContext())?.start.gitlab.get(name) ?? NONE;

/** What a reading of the GitHub file at `path` depends on of them, as part of a memo key ('' for none). */
export function fetchKey(path: string | undefined): string {
  const run = fetchesIn.get(runContext());
  if (path === undefined || !run) return '';
  let key = run.keys.get(path);
  if (key === undefined) {
    key = keyOf([...run.start.github].filter(([k]) => k.startsWith(`${path}\0`)));
    run.keys.set(path, key);
  }
  return key;
}

/** All of them as part of a memo key (GitLab's readings, every answer of the run). */
export const allFetchesKey = (): string => fetchesIn.get(runContext())?.all ?? '';
