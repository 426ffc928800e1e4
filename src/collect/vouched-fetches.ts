// The fetch-and-run lines (domain/fetched-code.ts) the CI where the range starts (--base, else the trust
// root) ran, per job: GitHub's by workflow file path and job id, from its steps' `run:` alone (a
// reusable workflow's lines belong to its own file), GitLab's by job name as the start's configuration
// ran it (its includes, `extends:` and `default:` merged: gitlab-gate.ts gitlabSteps). A line keeps a
// gate only in the job that ran it: one the start ran in a lint job, moved into the gate job, is the
// change's. Job ids alone would not do (a gate job renamed to the lint job's id in another file). Set
// by trusted-actions.ts; per run.
import { runContext } from './run-context.js';
import { EVERY_LINE, vouchingOff } from './vouching-off.js';
import type { YAMLMap } from 'yaml';
import { fetchLines, type FetchLines } from '../domain/fetched-code.js';
import { literally } from '../domain/switched-off.js';
import { variablesOf } from '../domain/step-context.js';
import { envWritesBefore } from '../domain/step-env.js';
import { packagesNow } from './commit-packages.js';
import { Every } from './vouching-off.js';

/** At most this many fetch-and-run lines vouched for in one run. */
const MAX_FETCHES = 256;
/** At most this many jobs, and steps of a job, read in one workflow at the start. */
const MAX_JOBS = 1_000;
const MAX_STEPS = 1_000;
const NONE: FetchLines = new Set();

/**
 * The lines, by `path\0job\0env` (GitHub) and by `name\0env` (GitLab), `env` the variables the line
 * ran with (envOf): a fetched installer reads its environment (rustup's RUSTUP_UPDATE_ROOT, curl's
 * CURL_HOME, SSL_CERT_FILE, a proxy), so the same line under other variables runs other code.
 */
export interface StartFetches {
  github: Map<string, Set<string>>;
  gitlab: Map<string, Set<string>>;
  count: number;
}

type Vars = ReadonlyMap<string, string>;
const NO_VARS: Vars = new Map();
/**
 * The variables a line runs with, as part of its key (one order), and the earlier steps' scripts that
 * write $GITHUB_ENV (step-env.ts envWritesBefore: the variables they set are theirs to say).
 */
const envOf = (vars: Vars, writes = ''): string =>
  JSON.stringify([[...vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), writes]);
/** A node's `env:` over `inherited`, as the gate's reading takes it (step-context.ts variablesOf). */
function envUnder(node: unknown, inherited: Vars): Vars {
  const env = (node as { get?: (k: string, keep: boolean) => unknown }).get?.('env', true);
  const json: unknown = (env as { toJSON?: () => unknown } | undefined)?.toJSON?.();
  if (!json || typeof json !== 'object' || Array.isArray(json)) return inherited;
  return variablesOf(new Map([['env', new Map(Object.entries(json))]]), inherited);
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
      const top = envUnder(doc.contents, NO_VARS);
      for (const p of jobs.items.slice(0, MAX_JOBS)) {
        if (!yaml.isScalar(p.key) || off(p.value)) continue;
        const steps = (p.value as YAMLMap).get('steps', true);
        if (!yaml.isSeq(steps)) continue;
        const [id, job] = [String(p.key.value), envUnder(p.value, top)];
        const items = steps.items.slice(0, MAX_STEPS);
        const writes = envWritesBefore(items.map((i) => (yaml.isMap(i) ? i.get('run') : undefined)));
        items.forEach((step, k) => {
          const script = off(step) ? undefined : (step as YAMLMap).get('run');
          const key = `${path}\0${id}\0${envOf(envUnder(step, job), writes[k])}`;
          if (typeof script === 'string') add(into, into.github, key, script);
        });
      }
    }
  } catch {
    // Not read: it vouches for nothing.
  }
}

/** Adds the script of each GitLab job the start ran (gitlabSteps' steps, named). */
export function gitlabFetchesIn(
  steps: ReadonlyArray<{ job?: string; script: string; vars?: Vars }>,
  into: StartFetches,
): void {
  for (const s of steps)
    if (s.job !== undefined) add(into, into.gitlab, `${s.job}\0${envOf(s.vars ?? NO_VARS)}`, s.script);
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

/** `lines` with the names of the commit under reading (commit-packages.ts), where one is. */
function declaring(lines: FetchLines): FetchLines {
  const declared = packagesNow();
  if (!declared) return lines;
  return Object.assign(lines instanceof Every ? new Every(lines) : new Set(lines), { declared });
}

/**
 * The lines the start ran in job `job` of the GitHub file at `path` with the variables `vars` (the
 * step's `env:` over its job's and workflow's) after the $GITHUB_ENV `writes` (envOf); none where
 * the path or job is unknown; every line where the start's vouching is set aside (vouching-off.ts).
 */
export function githubFetches(
  path: string | undefined,
  job: string | undefined,
  vars: Vars,
  writes: string | undefined,
): FetchLines {
  if (vouchingOff()) return declaring(EVERY_LINE);
  if (path === undefined || job === undefined) return declaring(NONE);
  return declaring(fetchesIn.get(runContext())?.start.github.get(`${path}\0${job}\0${envOf(vars, writes)}`) ?? NONE);
}

/** The lines the start's GitLab job `name` ran with the variables `vars`. */
export const gitlabFetches = (name: string, vars: Vars): FetchLines =>
  declaring(
    vouchingOff() ? EVERY_LINE : (fetchesIn.get(runContext())?.start.gitlab.get(`${name}\0${envOf(vars)}`) ?? NONE),
  );

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
