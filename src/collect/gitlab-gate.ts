// GitLab reads `.gitlab-ci.yml` and the local files it includes as one configuration, the including
// file's keys over the included ones': a job takes keys from a hidden job of any of them
// (`extends:`, `!reference [.job, key]`), and a hidden job (`.name`) never runs by itself. Read file
// by file, a job made lenient by a template of an included file (`extends: .lenient`) or by a
// reference, a gate left only in a hidden job, or `rules:` that never run it kept the gate. So the
// gitguard step is looked for in the whole: in a job that runs and can fail, with what it takes from
// the others; `rules:` (first-match) that run nothing that can fail, and a `workflow:` whose rules
// run no pipeline, keep no gate. A job is judged by what GitLab's merge keeps of it: per key the
// value of the definition it prefers (a job's own script replaces its template's; maps are
// deep-merged), an after_script never (its failure fails no job), `default:`'s before_script where
// the job inherits it. A value no file here fixes (an input, a remote include's template) is lenient
// where it switches a job; a template or include no file here holds named for gitguard counts as a
// mention, as does a job's `hooks:`, `trigger:` or `run:` naming it (no other key runs it). A
// configuration GitLab refuses (a file Psych cannot read, a job in a stage not listed, an include
// error: domain/gitlab-config.ts) runs nothing.
import type { Document } from 'yaml';
import { gitlabTooBig, refusedYaml } from './yaml-refused.js';
import { gitlabMerge, interpolated, MAX_REFERENCES, type At } from './gitlab-merge.js';
import { gitlabRules, includedFiles, listedIn } from './gitlab-rules.js';
import { GLOBAL, includesRefused } from '../domain/gitlab-config.js';
import { GITGUARD, MAX_VISITS, namesGitguard, UNREAD, type Gate, stepJudged, type StepReading } from './github-gate.js';
import { parsedYaml } from './yaml-budget.js';
import { literally, switchedOff } from '../domain/switched-off.js';
import { gitlabRefsRun } from '../domain/push-filters.js';
import { gateBranches, gateScopeFor } from './gate-branches.js';
import type { ShellMode } from '../domain/shell-gate.js';
import { scriptGates } from './script-gate.js';
import { variablesOf } from '../domain/step-context.js';
import { changesLaterSteps, settingLoses } from '../domain/step-env.js';
import { gitRepoEnv } from '../domain/step-git-env.js';
import { dotenvReaches, type DotenvJob } from '../domain/gitlab-dotenv.js';
import { ROOT } from '../domain/step-folder.js';
import { ownBefore, ownEarlier } from '../domain/earlier-steps.js';
import { runGateLost } from '../domain/checkout-writes.js';
import { foreignChanged, holdsPath, includesLose, type JobTakes } from './gitlab-includes.js';
import { imagesLose, nodeValue, templateChanged, UNREADABLE } from './ci-images.js';
import { trustedImages } from './trusted-actions.js';
import { gitlabFetches } from './vouched-fetches.js';
import { gitlabCacheRestores } from '../domain/cache-restores.js';
import { artifactDownloads, uploadOf, type ArtifactJob } from '../domain/artifact-downloads.js';
import { restoredBy } from '../domain/checkout-writes.js';
import { earliersOf, type EarlierResult } from '../domain/earlier-steps.js';

/** GitLab's runner starts a job's script with `set -eo pipefail` (bash; sh where the image has no bash). */
export const GITLAB_SHELL: ShellMode = { errexit: true, pipefail: true };

/**
 * Whether GitLab's configuration, `.gitlab-ci.yml`'s text first and then the files it includes, runs
 * gitguard in a job that runs and can fail: its jobs' scripts (gitlabSteps) judged as written.
 */
export async function gitlabRunsGitguard(
  files: ReadonlyArray<readonly [path: string, text: string]>,
  absent: ReadonlySet<string> = new Set(),
): Promise<Gate> {
  if (!files.some(([, t]) => GITGUARD.test(t))) return false;
  const read = await gitlabSteps(files, absent);
  if (read === UNREAD) return UNREAD;
  // Its own lines that run checkout files are read as the file shows them (as namesGitguard reads a
  // workflow's earlier steps); the commit's own side reads their files (earlier-files.ts directGateAt).
  return read.mention || read.steps.some((s) => stepJudged({ ...s, before: undefined }, scriptGates));
}

/**
 * The one reading of GitLab's jobs for a change to a protected branch (rules, only/except, a refused
 * configuration, `when:`, allow_failure): each job that runs and can fail, with its before_script and
 * script as one script (GitLab's shell runs them so) and its variables; `mention`: gitguard named
 * elsewhere where it runs. gitlabRunsGitguard judges the scripts as written, the chain
 * (script-files.ts) with the files they run read at the commit. A file too large or deep to parse:
 * each file is read alone (mentions only); one past the run's parse budget: UNREAD (the whole
 * decides, and a part is not read). `absent`: the local paths known to hold no file in the commit.
 */
export async function gitlabSteps(
  files: ReadonlyArray<readonly [path: string, text: string]>,
  absent: ReadonlySet<string> = new Set(),
): Promise<StepReading | typeof UNREAD> {
  const texts = files.map(([, t]) => t);
  const out: StepReading = { mention: false, steps: [] };
  const none: StepReading = { mention: false, steps: [] };
  const results: Array<Awaited<ReturnType<typeof parsedYaml>>> = [];
  for (const t of texts) results.push(await parsedYaml(t));
  if (results.includes('past-budget')) return UNREAD;
  if (results.includes('too-large')) {
    let unread = false;
    for (const t of texts) {
      const gate = await namesGitguard(t);
      if (gate === true) return { mention: true, steps: [] };
      unread ||= gate === UNREAD;
    }
    return unread ? UNREAD : none;
  }
  const yaml = await import('yaml');
  const scope = await gateScopeFor(texts);
  let visits = 0;
  const tick = (): void => {
    if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
  };
  const merge = gitlabMerge(yaml, tick);
  const { resolved, scalar, pairs, defs, lookup, unknown, value, candidatesOf, definitions } = merge;
  try {
    const parsed = files.map(([path, text], i) => ({ path, text, docs: results[i] as readonly Document[] }));
    merge.define(parsed);
    const listed = listedIn(yaml);
    const { rulesOff, stagesListed, strayStage } = gitlabRules(yaml, merge, scope.files);
    /** Whether a value names gitguard where it runs (GitHub-style steps in it judged as namesGitguard does). */
    const runs = (at: At): boolean => {
      tick();
      const r = merge.referenced(at);
      // A reference to nothing here: its names count as a mention.
      const { node, doc } = r ?? at;
      if (yaml.isScalar(node)) return typeof node.value === 'string' && GITGUARD.test(node.value);
      if (yaml.isSeq(node)) return node.items.some((i) => runs({ node: resolved(i, doc), doc }));
      if (yaml.isMap(node))
        return (
          !switchedOff((key) => value(lookup([{ node, doc }], key, 0), key)) &&
          pairs({ node, doc }).some((p) => runs(p.value))
        );
      return false;
    };
    /**
     * Whether the value GitLab's merge keeps of one key runs gitguard, of the candidates the most
     * preferred first: maps are deep-merged (each of their keys judged the same way) down to the
     * first candidate that is no map; anything else (a script, a list) is the first candidate alone.
     */
    const mergedRuns = (candidates: readonly At[]): boolean => {
      tick();
      const values = candidates.map((c) => merge.deref(c) ?? c);
      if (!values[0] || !yaml.isMap(values[0].node)) return values[0] !== undefined && runs(values[0]);
      const maps = mapsOf(values);
      // GitHub-style steps nested in a map keep their own switches (as namesGitguard reads them).
      if (switchedOff((key) => value(candidatesOf(maps, key)[0], key))) return false;
      const keys = new Set(maps.flatMap((m) => pairs(m).map((p) => p.key)));
      return [...keys].some((key) => mergedRuns(candidatesOf(maps, key)));
    };
    /** The maps GitLab's deep merge joins: the candidates (dereferenced) up to the first that is no map. */
    const mapsOf = (values: readonly At[]): At[] => {
      const end = values.findIndex((v) => !yaml.isMap(v.node));
      return end < 0 ? [...values] : values.slice(0, end);
    };
    /** The value GitLab's deep merge keeps of `key` in the map candidates (the most preferred first). */
    const mergedKey = (candidates: readonly At[], key: string): At | undefined =>
      candidatesOf(mapsOf(candidates.map((c) => merge.deref(c) ?? c)), key)[0];
    /**
     * The lines of a script as GitLab runs them (nested lists and `!reference`s flattened); undefined
     * for a reference to nothing here that names gitguard (a mention, as file by file).
     */
    const scriptLines = (at: At | undefined, depth = 0): Array<string | undefined> => {
      tick();
      const r = at && merge.referenced(at);
      if (r === undefined && at) return runs(at) ? [undefined] : [];
      const v = r ?? at;
      if (!v || depth > MAX_REFERENCES) return [];
      if (yaml.isScalar(v.node)) return typeof v.node.value === 'string' ? [v.node.value] : [];
      if (!yaml.isSeq(v.node)) return runs(v) ? [undefined] : [];
      return v.node.items.flatMap((i) => scriptLines({ node: resolved(i, v.doc), doc: v.doc }, depth + 1));
    };
    // A job's keys besides its scripts that run something that can fail it, where a mention of gitguard
    // counts: not `variables:`, `artifacts:`, `image:`, `tags:` (the gate's `gitguard-junit.xml` report
    // kept, its script line deleted, kept the gate), nor after_script (GitLab ignores its failure).
    // `hooks:` (pre_get_sources_script) is read as the script's first lines (jobRuns).
    const RUNNING = new Set<unknown>(['trigger', 'run']);
    // The keys a job takes from `default:` (and the old top-level before_script) unless it sets them.
    const INHERITED = new Set<unknown>(['before_script', 'hooks', 'image', 'services']);
    /**
     * A job as GitLab's merge keeps it, `default:` and `extends:` included: its script added to the
     * steps; whether it names gitguard elsewhere where it runs.
     */
    const jobRuns = (name: string, jobs: readonly At[], dotenv: boolean, artifacts: EarlierResult): boolean => {
      const own = definitions(jobs, 0);
      // A template no file here defines (a project or remote include's): its name counts as a mention.
      if (own.some((d) => merge.extended(d).some((n) => !defs.has(n) && GITGUARD.test(n)))) return true;
      const takes = takesOf(own);
      const defaults = definitions(defs.get('default') ?? [], 0);
      const keys = new Set([...own, ...defaults].flatMap((d) => pairs(d).map((p) => p.key)));
      if (defs.has('before_script')) keys.add('before_script');
      const candidatesFor = (key: unknown): At[] => {
        const candidates = candidatesOf(own, key);
        if (INHERITED.has(key) && takes(key))
          candidates.push(...candidatesOf(defaults, key), ...(key === 'before_script' ? (defs.get(key) ?? []) : []));
        return candidates;
      };
      // before_script and script run as one script in one shell, `set -eo pipefail` first: gitguard's
      // failure must fail it (`gitguard audit || true` runs but gates nothing).
      // `hooks: pre_get_sources_script:` runs first, in the same job: what it writes (a PATH folder,
      // ~/.gitconfig) holds for the audit, so its lines are read as lines before it.
      const lines = [
        ...scriptLines(mergedKey(candidatesFor('hooks'), 'pre_get_sources_script')),
        ...scriptLines(candidatesFor('before_script')[0]),
        ...scriptLines(candidatesFor('script')[0]),
      ];
      if (lines.includes(undefined)) return true;
      const vars = variablesOf(new Map([['variables', jobVariables(jobs, own)]]), globals);
      const script = lines.join('\n');
      // The artifacts it downloads are written before its scripts, as a restore (domain/artifact-downloads.ts).
      const before = [...earliersOf(artifacts), ...ownEarlier(script, ROOT.folder, gitlabFetches(name, vars))];
      const written = runGateLost(restoredBy(undefined, [artifacts]), script, before, ROOT.folder);
      out.steps.push({
        job: name,
        script,
        mode: GITLAB_SHELL,
        own: undefined,
        shells: [],
        strategy: undefined,
        off: false,
        at: ROOT,
        vars,
        // Its own lines before the audit (a hook's first) that write where programs are looked for
        // (`ln -s /bin/true /usr/local/bin/gitguard`, ~/.gitconfig) lose it as an earlier step would,
        // as do those writing a checkout file it then runs (`curl -o ci/gate.sh URL`: checkout-writes.ts).
        lost:
          settingLoses(vars) ||
          // GIT_DIR naming another repository: the runner's own fetch and the job's git open it.
          gitRepoEnv(vars) ||
          // SHELLOPTS/BASHOPTS (`noexec`): how the job's bash starts is not read (checkout-runs.ts startupEnv).
          vars.has('SHELLOPTS') ||
          vars.has('BASHOPTS') ||
          dotenv ||
          artifacts.kind === 'loses' ||
          imagesLose(images(candidatesFor), vars, trustedImages()) ||
          includesLose(includeEntries, specs, taken(name, candidatesFor), trustedImages()) ||
          // GitLab's runner starts the job's script with `set -eo pipefail`.
          changesLaterSteps(ownBefore(script) ?? '', false, false, gitlabFetches(name, vars), true) ||
          gitlabCacheRestores(cacheOf(own, defaults, takes), UNREADABLE) ||
          written.lost,
        ...(written.lookup && { lookup: written.lookup }),
        before,
      });
      return [...keys].some((key) => RUNNING.has(key) && mergedRuns(candidatesFor(key)));
    };
    /**
     * A job's `variables:`: GitLab merges those of its definitions in several files name by name (the
     * including file's first: an include's template with `gitguard: variables: GITGUARD_ARGS: --all`
     * over it keeps the template's others). Where a `<<:` map or an `extends:` template gives some
     * (YAML's merge replaces a map whole), or one is not a plain map: the winning definition's alone.
     */
    const jobVariables = (jobs: readonly At[], all: readonly At[]): unknown => {
      const direct = candidatesOf(jobs, 'variables').map(
        (at) => merge.deref(at) && value(merge.deref(at), 'variables'),
      );
      if (candidatesOf(all, 'variables').length !== direct.length || !direct.every((m) => m instanceof Map))
        return value(lookup(jobs, 'variables', 0), 'variables');
      return new Map(direct.reverse().flatMap((m) => [...(m as Map<unknown, unknown>)]));
    };
    /** What a job takes from includes (gitlab-includes.ts JobTakes). */
    const taken = (name: string, candidatesFor: (key: unknown) => At[]): JobTakes => ({
      name,
      bare: [...INHERITED].filter((key): key is string => typeof key === 'string' && !candidatesFor(key).length),
      images: images(candidatesFor),
      setHere: (key, path = []) =>
        candidatesFor(key).some((at) => {
          const r = merge.deref(at);
          return path.length === 0 || (r !== undefined && holdsPath(nodeValue(yaml, r.node, r.doc), path));
        }),
    });
    /** The job's `image:` and `services:` as GitLab's merge keeps them (a reference to nothing here: unknown). */
    /** Whether a job (its definitions `own`) takes a key from `default:`: its `inherit: default:` says so. */
    const takesOf = (own: readonly At[]): ((key: unknown) => boolean) => {
      const inherit = lookup(own, 'inherit', 0);
      const from = inherit && lookup([inherit], 'default', 0);
      return (key) =>
        !from ||
        (!unknown(from) &&
          (yaml.isSeq(from.node)
            ? from.node.items.some((i) => scalar(i, from.doc) === key)
            : !literally(scalar(from.node, from.doc), false)));
    };
    /** Each `artifacts:` value a job's definitions give it, `default:`'s where it takes it (UNREADABLE: not read). */
    const artifactsOf = (jobs: readonly At[]): unknown[] => {
      const own = definitions(jobs, 0);
      const at = candidatesOf(own, 'artifacts');
      if (!at.length && takesOf(own)('artifacts'))
        at.push(...candidatesOf(definitions(defs.get('default') ?? [], 0), 'artifacts'));
      return at.map((a) => {
        const r = merge.deref(a);
        return r ? nodeValue(yaml, r.node, r.doc) : UNREADABLE;
      });
    };
    /** A job's `cache:` as GitLab takes it: its own, else `default:`'s (or the old top-level one) unless `inherit:` drops it. */
    const cacheOf = (own: At[], defaults: At[], takes: (key: unknown) => boolean): unknown => {
      const at =
        candidatesOf(own, 'cache')[0] ??
        (takes('cache') ? (candidatesOf(defaults, 'cache')[0] ?? defs.get('cache')?.[0]) : undefined);
      const r = at && merge.deref(at);
      return at && (r ? nodeValue(yaml, r.node, r.doc) : UNREADABLE);
    };
    const images = (candidatesFor: (key: unknown) => At[]): unknown[] =>
      ['image', 'services'].map((key) => {
        const at = candidatesFor(key)[0];
        const r = at && merge.deref(at);
        return at && (r ? nodeValue(yaml, r.node, r.doc) : UNREADABLE);
      });
    const { reached, remote, includeEntries, includes } = await includedFiles(yaml, merge, parsed, rulesOff, runs);
    const included = parsed.filter((f) => reached.has(f.path));
    // A file Psych refuses, or GitLab finds too big loaded, or an include GitLab cannot follow, makes the
    // whole configuration invalid: GitLab runs no pipeline.
    if (included.some((f) => f.docs.some((d) => refusedYaml(yaml, d) || gitlabTooBig(yaml, d)))) return none;
    if (includesRefused(parsed[0]!.path, includes, new Map(included.map((f) => [f.path, f.text])), absent)) return none;
    merge.define(included);
    const specs = (defs.get('spec') ?? []).map((at) => nodeValue(yaml, at.node, at.doc));
    const top = defs.get('variables')?.[0];
    const globals = variablesOf(new Map([['variables', top && value(top, 'variables')]]), new Map());
    if (strayStage()) return none;
    const workflow = defs.get('workflow');
    if (workflow && rulesOff(lookup(workflow, 'rules', 0))) return none;
    // The jobs whose dotenv report sets variables for the jobs after them (domain/gitlab-dotenv.ts).
    const dotenv: DotenvJob[] = [];
    // The jobs whose artifacts a later job downloads (domain/artifact-downloads.ts).
    const uploads: ArtifactJob[] = [];
    for (const [name, jobs] of defs) {
      if (name.startsWith('.') || GLOBAL.has(name)) continue;
      const a = value(lookup(jobs, 'artifacts', 0), 'artifacts');
      const reports = a instanceof Map ? (a as Map<unknown, unknown>).get('reports') : a;
      const stage = value(lookup(jobs, 'stage', 0), 'stage');
      if (reports !== undefined && (!(reports instanceof Map) || reports.has('dotenv'))) dotenv.push({ name, stage });
      const paths = uploadOf(artifactsOf(jobs), UNREADABLE);
      if (paths.length) uploads.push({ name, stage, paths });
    }
    const named = [...(stagesListed() ?? [])].filter((n): n is string => n !== '.pre' && n !== '.post');
    const stageOrder = stagesListed() && ['.pre', ...named, '.post'];
    for (const [name, jobs] of defs) {
      // A name an input sets may be a hidden job's (`$[[ inputs.name ]]: ` given `.audit`).
      if (name.startsWith('.') || interpolated(name)) continue;
      // What default: and the old top-level scripts give a job counts in that job (jobRuns); an include
      // above; `variables:`, `stages:`, `image:` run nothing.
      if (GLOBAL.has(name)) continue;
      const get = (key: string): unknown => value(lookup(jobs, key, 0), key);
      if (switchedOff(get) || rulesOff(lookup(jobs, 'rules', 0))) continue;
      // `only: [tags]`, `except: [branches]`: no pipeline for a change to a protected branch runs it.
      if (!gitlabRefsRun(listed(get('only')), listed(get('except')), gateBranches())) continue;
      // A template no file here defines (a remote or project include's), or one an input names, may
      // make the job lenient; one whose name mentions gitguard counts as a mention (jobRuns).
      const unfixed = (n: string): boolean => interpolated(n) || (!defs.has(n) && !GITGUARD.test(n));
      if (definitions(jobs, 0).some((d) => merge.extended(d).some(unfixed))) continue;
      const order = { stage: get('stage'), needs: listed(get('needs')), dependencies: listed(get('dependencies')) };
      if (
        jobRuns(
          name,
          jobs,
          dotenvReaches(
            order,
            dotenv.filter((d) => d.name !== name),
            stageOrder,
          ),
          artifactDownloads(
            order,
            uploads.filter((d) => d.name !== name),
            stageOrder,
          ),
        )
      )
        out.mention = true;
    }
    // A template no file here holds runs its jobs as this configuration changes them (templateChanged).
    out.mention ||=
      remote &&
      !foreignChanged(includeEntries, trustedImages()) &&
      !templateChanged(defs, (at) => nodeValue(yaml, at.node, at.doc), globals, trustedImages());
    // A document that is no map of jobs: any mention where it runs.
    out.mention ||= merge.tops.some((t) => !yaml.isMap(t.node) && runs(t));
    return out;
  } catch {
    return none; // past MAX_VISITS: no gate judged running (fails closed)
  }
}
