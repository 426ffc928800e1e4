// Whether one CI file runs gitguard where it can fail the run, as GitHub reads a workflow or an
// action (and GitLab's file where the configuration cannot be read as one: gitlab-gate.ts): a
// mention in a value, outside the steps and jobs that never run or whose failure fails nothing.
import type { Document } from 'yaml';
import { resolveAlias } from './yaml-aliases.js';
import { keyTwice, refusedYaml } from './yaml-refused.js';
import { parsedYaml } from './yaml-budget.js';
import { defaultShells, runsForChanges, stepGates } from '../domain/actions-run.js';
import { scriptGates, startupEnv } from './script-gate.js';
import { MAX_ALIASES, memo } from './ci-yaml-memo.js';
import { changeEvents, constantFalse } from '../domain/push-filters.js';
import { gateBranches, gateKey, gateScopeFor } from './gate-branches.js';
import { checkoutRoots, ROOT, workingDirectory, type Place } from '../domain/step-folder.js';

export const GITGUARD = /\bgitguard\b/;

/** Nodes visited in one file before the answer falls back to the text (aliases of aliases multiply them). */
export const MAX_VISITS = 100_000;

/** How deep GitLab follows `extends:` (its limit is 11 levels); merge keys count as a level too. */
export const MAX_EXTENDS = 11;

/** A literal `false` / `${{ false }}` (an expression could go either way: it counts as running). */
export const literally = (v: unknown, want: boolean): boolean =>
  v === want || (typeof v === 'string' && new RegExp(`^\\s*(?:\\$\\{\\{\\s*)?${want}(?:\\s*\\}\\})?\\s*$`).test(v));

/**
 * A step or job that never runs, or whose failure fails nothing: GitHub's `if: false`,
 * `continue-on-error: true`; GitLab's `allow_failure` (true, or exit codes that let gitguard's pass), `when:
 * manual` (allowed to fail unless told otherwise), `never` or `on_failure` (runs only after a job failed).
 */
export function switchedOff(get: (key: string) => unknown): boolean {
  const allow = get('allow_failure');
  const when = get('when');
  return (
    literally(get('if'), false) ||
    literally(get('continue-on-error'), true) ||
    literally(allow, true) ||
    (allow !== undefined && typeof allow === 'object' && !(allow && strictExitCodes(allow))) ||
    when === 'manual' ||
    when === 'never' ||
    when === 'on_failure'
  );
}

/**
 * GitLab's `allow_failure: { exit_codes: }` (as plainValue gives it) that lets no exit of gitguard's
 * pass: an integer or a non-empty list of them, neither 1 (a failed audit) nor 2 (an error).
 */
function strictExitCodes(allow: object): boolean {
  const codes: unknown = allow instanceof Map ? (allow as Map<unknown, unknown>).get('exit_codes') : undefined;
  const list: unknown[] = Array.isArray(codes) ? codes : [codes];
  return list.length > 0 && list.every((c) => Number.isInteger(c) && c !== 1 && c !== 2);
}

/** A node as switchedOff reads it: a map as plain data (maps as Map), else the node; a map past the alias limit stays a node (lenient). */
export function plainValue(yaml: typeof import('yaml'), n: unknown, doc: Document): unknown {
  if (!yaml.isMap(n)) return n;
  try {
    return n.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES });
  } catch {
    return n;
  }
}

/**
 * Whether a CI file runs gitguard: true, false, or UNREAD when it mentions gitguard and the run's
 * parse budget is spent (ci-gate-kept reports a change whose answer depends on it).
 */
export type Gate = boolean | typeof UNREAD;
export const UNREAD = 'unread';

/**
 * Whether a CI file names gitguard where it runs and can fail the run: in a value (not a comment,
 * nor a key), outside the steps and jobs switchedOff. A text too large or deep to read as YAML here, or
 * whose aliases expand past MAX_VISITS, runs no gate; one past the run's parse budget is UNREAD (a
 * mention is no gate: one in a comment, the budget spent first, kept a removed gate). Only a text
 * that mentions gitguard is parsed for it.
 */
export function namesGitguard(text: string, called = false): Promise<Gate> {
  return memo(`gate ${called} ${gateKey()}`, text, () => gateIn(text, called));
}

/**
 * A parsed text's gate answer, settled while its parse is at hand (yaml-budget.ts keeps a few): the
 * range search reads the versions the walk asks about later, and a second parse would count twice.
 */
export function alsoGate(text: string): void {
  if (GITGUARD.test(text)) void namesGitguard(text);
}

/** `called`: a reusable workflow or action run by a workflow that starts (its `on: workflow_call` counts). */
async function gateIn(text: string, called: boolean): Promise<Gate> {
  if (!GITGUARD.test(text)) return false;
  // Too large or deep to read as YAML, or aliases past MAX_VISITS: no gate (a mention in a comment of
  // a padded file, the gate job removed, kept it).
  const docs = await parsedYaml(text);
  if (docs === 'too-large') return false;
  if (docs === 'past-budget') return UNREAD;
  const yaml = await import('yaml');
  const scope = await gateScopeFor([text]);
  let visits = 0;
  try {
    for (const doc of docs) {
      // GitHub (and Forgejo, Gitea: Go's yaml.v3) refuse a whole workflow or action that is no valid
      // YAML, or with a key written twice in one map ("'env' is already defined"): it runs nothing,
      // whatever the rest of it says.
      if (refusedYaml(yaml, doc) || keyTwice(yaml, doc)) return false;
      const scalar = (n: unknown): unknown => {
        const r = resolveAlias(yaml, n, doc);
        return yaml.isScalar(r) ? r.value : r;
      };
      const top = doc.contents;
      const list = (v: unknown): unknown[] => (yaml.isSeq(v) ? v.items.map(scalar) : [v]);
      const keys = (m: unknown): unknown[] => (yaml.isMap(m) ? m.items.map((p) => scalar(p.key)) : []);
      const entry = (map: unknown, key: string): unknown =>
        yaml.isMap(map) ? map.items.find((p) => scalar(p.key) === key)?.value : undefined;
      // A key as the CI reads it: set in the map, else from what it merges (`<<: *lenient`, GitLab reads
      // YAML merge keys), else from the jobs GitLab's `extends:` names (the last one named wins), as deep
      // as GitLab follows them.
      const lookup = (map: unknown, key: string, depth: number): unknown => {
        if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
        if (depth > MAX_EXTENDS || !yaml.isMap(map)) return undefined;
        const own = map.items.find((p) => scalar(p.key) === key);
        if (own) return scalar(own.value);
        const merged = scalar(entry(map, '<<'));
        for (const m of yaml.isSeq(merged) ? merged.items : [merged]) {
          const found = lookup(resolveAlias(yaml, m, doc), key, depth + 1);
          if (found !== undefined) return found;
        }
        const ext = scalar(entry(map, 'extends'));
        const names = yaml.isSeq(ext) ? ext.items.map(scalar) : [ext];
        for (const name of names.reverse()) {
          const found = typeof name === 'string' ? lookup(scalar(entry(top, name)), key, depth + 1) : undefined;
          if (found !== undefined) return found;
        }
        return undefined;
      };
      // A job's `actions/checkout` steps: where they put the change (step-folder.ts checkoutRoots).
      const checkouts = (steps: unknown): string[] | undefined => {
        if (!yaml.isSeq(steps)) return undefined;
        const input = (m: unknown, k: string): unknown => scalar(entry(scalar(entry(m, 'with')), k));
        return checkoutRoots(
          steps.items.map((st) => {
            const m = resolveAlias(yaml, st, doc);
            const got = { repository: input(m, 'repository'), ref: input(m, 'ref'), path: input(m, 'path') };
            return { uses: scalar(entry(m, 'uses')), ...got };
          }),
        );
      };
      // `shells`: those a step's `run:` may run in where it names none (defaultShells); `strategy`: its job's;
      // `at`: the folder a step runs in where it names none (`defaults: run: working-directory:`) and the job's checkouts.
      const runs = (n: unknown, shells: readonly unknown[], strategy: unknown, off = false, at = ROOT): boolean => {
        if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
        const node = resolveAlias(yaml, n, doc);
        if (yaml.isScalar(node)) return typeof node.value === 'string' && GITGUARD.test(node.value);
        if (yaml.isSeq(node)) return node.items.some((i) => runs(i, shells, strategy, off, at));
        if (!yaml.isMap(node) || switchedOff((key) => plainValue(yaml, lookup(node, key, 0), doc))) return false;
        if (constantFalse(lookup(node, 'if', 0), gateBranches(), (events ?? ['push']).map(String))) return false;
        const defaults = scalar(entry(scalar(entry(node, 'defaults')), 'run'));
        const own = scalar(entry(defaults, 'shell'));
        const folder = (m: unknown, inherited: string | null): string | null => {
          const w = workingDirectory(scalar(entry(m, 'working-directory')));
          return w === undefined ? inherited : w;
        };
        const here: Place = { folder: folder(defaults, at.folder), roots: checkouts(entry(node, 'steps')) ?? at.roots };
        const job =
          entry(node, 'strategy') === undefined ? strategy : plainValue(yaml, scalar(entry(node, 'strategy')), doc);
        const shellsHere = defaultShells(own, shells, list(scalar(entry(node, 'runs-on'))), job);
        off ||= startupEnv(keys(scalar(entry(node, 'env'))), scalar(entry(scalar(entry(node, 'env')), 'BASH_ENV')));
        return node.items.some((p) => {
          const v = scalar(p.value);
          if (scalar(p.key) !== 'run' || typeof v !== 'string') return runs(p.value, shellsHere, job, off, here);
          const step = { ...here, folder: folder(node, here.folder) };
          return !off && stepGates(scalar(entry(node, 'shell')), shellsHere, job, v, scriptGates, step);
        });
      };
      // A workflow no change to a protected branch starts (`schedule`, `branches: [x]`: push-filters.ts) gates none.
      const on = scalar(entry(top, 'on'));
      const events = changeEvents(
        yaml.isNode(on) ? on.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES }) : on,
        scope,
      );
      if (!runsForChanges(events, called)) continue;
      if (runs(doc.contents, [undefined], undefined)) return true;
    }
  } catch {
    return false;
  }
  return false;
}
