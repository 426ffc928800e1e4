// The server-side check behind `gitguard hook run pre-receive`: git hands the hook one line per
// pushed update ("<old> <new> <ref>") and keeps the pushed objects in a quarantine folder until the
// hook says yes. An update is rejected when it deletes or rewinds a protected ref, moves a protected
// tag, or brings a commit that the trust policy does not authorize (unsigned, unknown or wrong signer,
// a policy or protected-path change without a maintainer's signature), or when what it publishes (its
// commits, annotated tags and notes) holds a credential (the secrets scan). One clear line per reason.
//
// The quarantine is named by GIT_QUARANTINE_PATH / GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES
// in the hook's environment; the hardened git runner drops every inherited GIT_* variable, so the
// shadow git dir lists those folders in its alternates instead.
import { delimiter, isAbsolute, resolve } from 'node:path';
import { ExpectedError, firstLine } from '../errors.js';
import { available, type Facts, type HeadInfo, type HistoryFacts, type RepositoryInfo } from '../domain/model.js';
import { discoverRepository } from '../collect/repository.js';
import { collectHistory } from '../collect/refs.js';
import { createShadow } from '../collect/git.js';
import { ObjectReader } from '../collect/objects.js';
import { fastForwards } from '../collect/ancestry-batch.js';
import { defaultProtectedRefs, MAX_REF_NAME, refGlob } from '../domain/ledger.js';
import { maxRefs } from '../collect/ref-list.js';
import type { Policy } from '../domain/policy.js';
import type { TrustedCommit } from '../domain/trust.js';
import { judge, judgedUnder } from '../domain/judgement.js';
import { failsRun } from '../domain/verdict.js';
import { escapeText } from '../domain/escape.js';
import type { CatalogEntry } from './catalog.js';
import type { HistorySession } from './history-session.js';
import { runRules } from './run-rules.js';
import { CarriedReach } from './carried-reach.js';
import { isMetadataRef, splitMetadataRefs } from '../collect/metadata-refs.js';
import { FactStore } from './facts.js';
import { failingFindings, isSecretsRule, nextStep, pushRules, PUSH_OMITS } from './push-rules.js';
import { floatingPushRefusal } from './floating-push.js';

export interface PreReceiveRequest {
  /** The repository receiving the push (the hook runs with the bare repository as its cwd). */
  path: string;
  /** The hook's stdin: "<old> <new> <ref>" lines. */
  input: string;
  /** The hook's environment: where git put the quarantined objects. */
  env: NodeJS.ProcessEnv;
}

export interface PreReceiveResult {
  /** 0 accepts the push, 1 rejects it, 2 could not check it (also a rejection: git then discards the quarantined objects). */
  exitCode: number;
  /** What the pusher sees (git relays the hook's stderr as "remote: ..."). */
  lines: string[];
}

export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

/** When the policy names no protected refs: the usual default branches and every tag. */

const ZERO = /^0+$/;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Findings shown in full per rule; the rest are counted. */
const FINDINGS_SHOWN = 100;

/**
 * The hook's input lines. A pushed ref is bounded as the repository's own are (ref-list.ts): a name
 * over MAX_REF_NAME, or more updates than GITGUARD_MAX_REFS, refuses the push (git's receive-pack
 * takes names up to its 65,520-byte packet, and any number of them).
 */
export function parseUpdates(input: string, env?: NodeJS.ProcessEnv): RefUpdate[] {
  const updates: RefUpdate[] = [];
  const limit = maxRefs(env);
  for (const line of input.split('\n')) {
    const t = line.replace(/\r$/, '');
    if (!t.trim()) continue;
    const [old, nu, ref, ...rest] = t.split(' ');
    if (!old || !nu || !ref || rest.length || !OID.test(old) || !OID.test(nu))
      throw new Error(`unexpected pre-receive input line: ${escapeText(t, 120)}`);
    if (ref.length > MAX_REF_NAME)
      throw new ExpectedError(
        `a pushed ref has a name over ${MAX_REF_NAME.toLocaleString('en-US')} characters (${escapeText(ref, 60)})`,
        'push it under a shorter name',
      );
    if (updates.length === limit)
      throw new ExpectedError(
        `the push names more than ${limit.toLocaleString('en-US')} refs (GITGUARD_MAX_REFS)`,
        'push them in parts, or set GITGUARD_MAX_REFS=N in the hook',
      );
    updates.push({ old, new: nu, ref });
  }
  return updates;
}

/** The folders holding the pushed objects, from the hook's environment. */
export function quarantineDirs(env: NodeJS.ProcessEnv, base: string): string[] {
  const dirs = [
    env.GIT_QUARANTINE_PATH,
    env.GIT_OBJECT_DIRECTORY,
    ...(env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '').split(delimiter),
  ];
  return [...new Set(dirs.filter((d): d is string => !!d).map((d) => (isAbsolute(d) ? d : resolve(base, d))))];
}

const short = (oid: string): string => oid.slice(0, 12);

/**
 * The refs an update writes: its own name and, through the server's symbolic refs, each ref it
 * points at. receive-pack updates and deletes through a symref (a push to an alias latest -> main
 * rewrites main; deleting latest deletes main) while the hook is told only the name pushed to.
 */
function writtenRefs(ref: string, symrefs: ReadonlyMap<string, string>): string[] {
  const names = [ref];
  for (let at = symrefs.get(ref); at !== undefined && !names.includes(at); at = symrefs.get(at)) names.push(at);
  return names;
}

/** What GIT_NAMESPACE puts before every ref receive-pack writes (git's expand_namespace):
 *  refs/namespaces/<part>/ for each "/"-separated part; nothing outside a namespace. */
function namespacePrefix(namespace: string | undefined): string {
  return (namespace ?? '')
    .split('/')
    .filter(Boolean)
    .map((part) => `refs/namespaces/${part}/`)
    .join('');
}

/**
 * The project's HEAD under GIT_NAMESPACE (gitnamespaces(7)): <namespace>HEAD, as upload-pack shows it
 * to whoever clones the project; without one, the branch of the same name as the server's HEAD inside
 * the namespace. Its policy (protected refs, floating tags, HEAD's policy) is the project's, not the
 * one at the server's own HEAD, which may be unborn or another project's.
 */
function namespaceHead(history: HistoryFacts, ns: string): HeadInfo {
  const own = history.refs.find((r) => r.name === `${ns}HEAD`);
  const ref = own ? own.symref : history.head.ref === undefined ? undefined : `${ns}${history.head.ref}`;
  const tip = own && own.symref === undefined ? own : history.refs.find((r) => r.name === ref);
  const oid = tip?.type === 'commit' ? tip.oid : undefined;
  return { ...(ref !== undefined ? { ref } : {}), ...(oid !== undefined ? { oid } : {}) };
}

/** How messages name the policy that judged a commit: the parent it was read from (see policyName). */
function judgingPolicy(c: TrustedCommit): string {
  return judgedUnder(c, judge(c));
}

/**
 * The pushed commits through the push rules (src/engine/push-rules.ts), judged as audit judges them:
 * one line per refused commit and rule, naming the policy that judged it and the next step. Only a
 * history governed by a policy (one with a trust root) is enforced: without one there is nothing to
 * enforce, but for the secrets scan of what the push publishes, which needs no policy.
 */
async function judgePushedCommits(
  rules: CatalogEntry[],
  facts: Facts,
  session: HistorySession | undefined,
  policy: Policy | undefined,
  factsReady: Promise<void>,
): Promise<string[]> {
  const enforced = session?.trustRoot ? rules : rules.filter((r) => isSecretsRule(r.meta));
  if (!enforced.length) return [];
  // Per pushed commit: the policy that judged it, or none (no policy may judge it: the reason says what to do).
  const judgedBy = new Map<string, string | null>();
  // Without a policy nothing needs the walk: the scan alone is judged.
  const { results } = await runRules(enforced, facts, {
    ...(session?.trustRoot ? { session } : {}),
    ...(policy ? { policy } : {}),
    findingLimit: FINDINGS_SHOWN,
    factsReady,
    onCommit: (c) => {
      if (c.trust) judgedBy.set(c.oid, c.trust.mode === 'no-policy' ? null : judgingPolicy(c as TrustedCommit));
    },
  });
  const rejections: string[] = [];
  for (const r of results) {
    if (r.outcome === 'error') {
      rejections.push(`${r.meta.id} could not judge the pushed commits: ${escapeText(r.note ?? '', 300)}`);
      continue;
    }
    if (!failsRun(r, 'low')) continue;
    if (isSecretsRule(r.meta)) {
      // About what the push publishes, whichever commit, tag or note holds it: each credential, redacted.
      const { findings, more } = failingFindings(r, FINDINGS_SHOWN);
      const lines = findings.map((f) => `${r.meta.id}: ${escapeText(f.message, 600)}`);
      if (more > 0) lines.push(`${r.meta.id}: ${more} more (run gitguard audit for all of them)`);
      lines[lines.length - 1] += `; next step: ${nextStep(r.meta)!}`;
      rejections.push(...lines);
      continue;
    }
    let shown = 0;
    for (const f of r.findings) {
      const by = f.commit === undefined ? undefined : judgedBy.get(f.commit);
      if (by === undefined) continue; // not about a pushed commit (e.g. a key of the policy itself): audit reports it
      shown += 1;
      const fix = by === null ? undefined : nextStep(r.meta, by);
      rejections.push(
        `commit ${short(f.commit!)} refused by ${r.meta.id} under ${by ?? 'no policy'}: ${escapeText(f.message, 600)}${fix ? `; next step: ${fix}` : ''}`,
      );
    }
    if (shown && r.findingCount > r.findings.length)
      rejections.push(
        `${r.meta.id}: ${r.findingCount - r.findings.length} more commit(s) refused (run gitguard audit for all of them)`,
      );
  }
  return rejections;
}

async function check(repo: RepositoryInfo, updates: RefUpdate[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const rejections: string[] = [];
  const objectDirs = quarantineDirs(env, repo.gitDir);
  const shadow = createShadow(repo.commonDir, repo.objectFormat, objectDirs);
  const reader = new ObjectReader(shadow); // the refs' types, then the facts' (one cat-file)
  let store: FactStore | undefined;
  try {
    const ns = namespacePrefix(env.GIT_NAMESPACE);
    const all = await collectHistory(repo, reader);
    const history = ns ? { ...all, head: namespaceHead(all, ns) } : all;
    const creating = updates.filter((u) => !ZERO.test(u.new));
    // Walk only what the push brings: the new tips, minus everything the repository already has and
    // judged. Notes and stashes are not judged by signatures (metadata-refs.ts), so what only they
    // hold is not taken as judged: a branch that later merges a note's commit has it walked. Under
    // GIT_NAMESPACE only the project's own refs were judged by its policy: a commit another namespace
    // holds (accepted there under that project's goodlist, or no policy) is walked here, a namespace
    // nested in the project's (<namespace>refs/namespaces/..., GIT_NAMESPACE=proj/other) included.
    const own = history.refs.flatMap((r) => {
      const name = r.name.startsWith(ns) ? r.name.slice(ns.length) : undefined;
      return name === undefined || name.startsWith('refs/namespaces/') ? [] : [{ ...r, name }];
    });
    const known = [...new Set(own.filter((r) => !isMetadataRef(r.name)).map((r) => r.peeled ?? r.oid))];
    const pushed = await splitMetadataRefs(
      shadow.gitDir,
      creating.map((u) => ({ name: u.ref, oid: u.new })),
      repo.objectFormat === 'sha256' ? 64 : 40,
      known,
    );
    const revisions = [...pushed.tips, ...known.map((o) => `^${o}`)];
    // Notes and a stash's WIP are published unwalked: the secrets scan reads them, less what the ref had.
    const unwalked = [
      ...pushed.unwalked,
      ...creating.filter((u) => pushed.unwalked.includes(u.new) && !ZERO.test(u.old)).map((u) => `^${u.old}`),
    ];
    const rules = await pushRules(undefined, pushed.tips.length + unwalked.length > 0);
    store = new FactStore(
      {
        repository: repo,
        env,
        scope: {
          revisions,
          unwalked,
          refs: creating.map((u) => ({ name: u.ref, oid: u.new })),
          objectDirs,
          headAccepted: true,
          resume: new CarriedReach(repo, env),
        },
        trust: { cache: false },
      },
      rules,
      { given: { history: available(history) }, omit: PUSH_OMITS, objects: reader },
    );
    // The secrets scan runs beside the walk (its own git on the other core); its rule waits for it.
    const facts = await store.facts({ deferBeside: true });
    const factsReady = store.ready(facts);
    factsReady.catch(() => undefined); // met by runRules
    const session = await store.get('walk');
    const headPolicy = await store.get('head-policy');
    if (!headPolicy.ok) throw new ExpectedError(`unreadable policy: ${headPolicy.reason}`, 'fix .gitguard/policy.yml');
    const policyRefs = headPolicy.value?.protected.refs ?? [];
    // The defaults name HEAD's branch as the pushes name it (inside the namespace, without its prefix).
    const pushedHead = history.head.ref?.startsWith(ns) ? { ref: history.head.ref.slice(ns.length) } : {};
    const defaults = () => defaultProtectedRefs({ head: pushedHead, refs: history.refs }, true);
    const globs = (policyRefs.length ? policyRefs : defaults()).map(refGlob);
    const floating = (headPolicy.value?.protected.floatingTags ?? []).map(refGlob);
    // Under GIT_NAMESPACE the hook is told refs/heads/x and git writes <namespace>refs/heads/x, through
    // that namespace's symrefs only: named as the pushes name them (a target outside keeps its full name).
    const symrefs = new Map(
      history.refs.flatMap((r) =>
        r.symref && r.name.startsWith(ns)
          ? [[r.name.slice(ns.length), r.symref.startsWith(ns) ? r.symref.slice(ns.length) : r.symref] as const]
          : [],
      ),
    );
    const aliasesOf = new Map<string, string[]>();
    for (const name of symrefs.keys()) {
      const end = writtenRefs(name, symrefs).at(-1)!;
      aliasesOf.set(end, [...(aliasesOf.get(end) ?? []), name]);
    }
    // Each update as what it writes: the ref at the end of its symrefs (a tag or a branch), and the
    // first of the names that show it (the symrefs to it too: main -> trunk, a push to trunk moves
    // main) that the policy protects.
    const judged = updates.map((u) => {
      const chain = writtenRefs(u.ref, symrefs);
      const target = chain.at(-1)!;
      const names = [...chain, ...(aliasesOf.get(target) ?? []).filter((n) => !chain.includes(n))];
      const guarded = names.find((n) => globs.some((g) => g.test(n)));
      const shown =
        guarded === undefined || guarded === u.ref
          ? u.ref
          : guarded === target
            ? `${u.ref} (a symbolic ref to ${target})`
            : `${u.ref} (${guarded} is a symbolic ref to ${target})`;
      return { ...u, names, target, shown, guarded };
    });
    // Every protected branch moved (not created, deleted or a tag): is it a fast-forward? Answered for all at once.
    const moved = judged.filter(
      (u) => !ZERO.test(u.old) && !ZERO.test(u.new) && !u.target.startsWith('refs/tags/') && u.guarded !== undefined,
    );
    const forward = await fastForwards(shadow, moved, known);
    for (const u of judged) {
      const ref = escapeText(u.shown, 240);
      // A replace ref makes every git that fetches it show another object in place of a published
      // one (what replace-refs-absent fails on): history substituted without moving a branch.
      const replace = u.names.find((n) => n.startsWith('refs/replace/'));
      if (replace !== undefined && !ZERO.test(u.new)) {
        rejections.push(
          `${ref}: a replace ref shows another object in place of ${escapeText(replace.slice('refs/replace/'.length), 64)} to everyone who fetches it, so it is not accepted; push the change as a new commit instead`,
        );
        continue;
      }
      if (u.guarded === undefined) continue;
      if (ZERO.test(u.new))
        rejections.push(`${ref}: deleting a protected ref is not allowed (the policy's protected.refs names it)`);
      else if (ZERO.test(u.old)) continue;
      else if (u.target.startsWith('refs/tags/')) {
        // A floating tag (protected.floating_tags) may move forward as a maintainer's signed tag.
        const floats = floating.some((g) => g.test(u.target));
        const why = floats ? await floatingPushRefusal(session, shadow, u.target, u.old, u.new) : undefined;
        if (!floats || why !== undefined)
          rejections.push(
            `${ref}: moving a protected tag is not allowed (${short(u.old)} -> ${short(u.new)})${why ? ` (a floating tag may move only forward, as a maintainer's signed tag: ${escapeText(why, 200)})` : ''}; publish a new tag instead`,
          );
      } else if (forward.get(`${u.old} ${u.new}`) !== true)
        rejections.push(
          `${ref}: non-fast-forward update of a protected ref (${short(u.old)} -> ${short(u.new)}) rewrites published history; fetch, rebase onto ${short(u.old)} (git pull --rebase) and push again`,
        );
    }
    rejections.push(...(await judgePushedCommits(rules, facts, session, headPolicy.value, factsReady)));
  } finally {
    await store?.close();
    reader.close();
    shadow.dispose();
  }
  return rejections;
}

export async function preReceiveCheck(opts: PreReceiveRequest): Promise<PreReceiveResult> {
  let rejections: string[];
  try {
    const updates = parseUpdates(opts.input, opts.env);
    if (!updates.length) return { exitCode: 0, lines: [] };
    const repo = await discoverRepository(opts.path);
    rejections = await check(repo, updates, opts.env);
  } catch (err) {
    // Fail closed: a push gitguard could not check is not accepted.
    const hint = err instanceof ExpectedError && err.hint ? `; ${escapeText(err.hint, 200)}` : '';
    return {
      exitCode: 2,
      lines: [`gitguard: push rejected: cannot check it: ${escapeText(firstLine((err as Error).message), 300)}${hint}`],
    };
  }
  if (!rejections.length) return { exitCode: 0, lines: [] };
  return {
    exitCode: 1,
    lines: [
      ...rejections.map((r) => `gitguard: rejected: ${r}`),
      `gitguard: push rejected (${rejections.length} problem${rejections.length === 1 ? '' : 's'})`,
    ],
  };
}
