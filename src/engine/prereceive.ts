// The server-side check behind `gitguard hook run pre-receive`: git hands the hook one line per
// pushed update ("<old> <new> <ref>") and keeps the pushed objects in a quarantine folder until the
// hook says yes. An update is rejected when it deletes or rewinds a protected ref, moves a protected
// tag, or brings a commit that the trust policy does not authorize (unsigned, unknown or wrong signer,
// a policy or protected-path change without a maintainer's signature). One clear line per reason.
//
// The quarantine is named by GIT_QUARANTINE_PATH / GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES
// in the hook's environment; the hardened git runner drops every inherited GIT_* variable, so the
// shadow git dir lists those folders in its alternates instead.
import { delimiter, isAbsolute, resolve } from 'node:path';
import { ExpectedError, firstLine } from '../errors.js';
import type { RepositoryInfo } from '../domain/model.js';
import { discoverRepository } from '../collect/repository.js';
import { collectHistory } from '../collect/refs.js';
import { createShadow } from '../collect/git.js';
import { isAncestor } from '../collect/protected-refs.js';
import { refGlob } from '../domain/ledger.js';
import { coveredBy } from '../domain/protected-paths.js';
import { isMaintainer } from '../domain/policy.js';
import type { TrustedCommit } from '../domain/trust.js';
import { judge, policyChangeAuthorized, policyName, type Judgement } from '../domain/judgement.js';
import { escapeText } from '../domain/escape.js';
import { openHistory } from './history.js';
import { walkCommits } from './run-rules.js';

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
export const DEFAULT_SERVER_PROTECTED_REFS = ['refs/heads/main', 'refs/heads/master', 'refs/tags/**'];

const ZERO = /^0+$/;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const ACCEPTED = new Set<Judgement['status']>(['authorized', 'goodlisted', 'forge']);

export function parseUpdates(input: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of input.split('\n')) {
    const t = line.replace(/\r$/, '');
    if (!t.trim()) continue;
    const [old, nu, ref, ...rest] = t.split(' ');
    if (!old || !nu || !ref || rest.length || !OID.test(old) || !OID.test(nu)) throw new Error(`unexpected pre-receive input line: ${escapeText(t, 120)}`);
    updates.push({ old, new: nu, ref });
  }
  return updates;
}

/** The folders holding the pushed objects, from the hook's environment. */
export function quarantineDirs(env: NodeJS.ProcessEnv, base: string): string[] {
  const dirs = [env.GIT_QUARANTINE_PATH, env.GIT_OBJECT_DIRECTORY, ...(env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '').split(delimiter)];
  return [...new Set(dirs.filter((d): d is string => !!d).map((d) => (isAbsolute(d) ? d : resolve(base, d))))];
}

const short = (oid: string): string => oid.slice(0, 12);

/** Where to fix a refused commit: re-sign it, or change the policy that judged it. */
const NEXT_STEP = 're-sign it with a key of a signer (git commit --amend -S, or git rebase --exec "git commit --amend --no-edit -S"), or have a maintainer change .gitguard/';

function judgeCommit(c: TrustedCommit): string | undefined {
  // No policy anywhere (mode none): the server has nothing to enforce. A commit in a governed
  // history that no policy judges (mode no-policy) is refused like an unauthorized one.
  if (!c.trust || c.trust.mode === 'none' || c.trust.mode === 'keys') return undefined;
  const j = judge(c);
  const ver = j.policy ? c.trust.verifications.find((v) => v.policy === j.policy) : c.trust.verifications[0];
  const policy = j.policy ?? ver?.policy;
  const judging = ver && policy ? policyName(ver) : 'the trust policy';
  const what = `commit ${short(c.oid)} "${escapeText(c.subject, 80)}"`;
  const signedByMaintainer = j.status === 'goodlisted' || (j.status === 'authorized' && !!policy && !!j.signer && isMaintainer(policy, j.signer));
  if (!ACCEPTED.has(j.status) && !(j.status === 'unsigned' && policy && !policy.requireSignatures)) {
    const next = j.status === 'no-policy' ? '' : `; ${NEXT_STEP}`;
    return `${what} is not authorized by ${judging}: ${j.status}: ${escapeText(j.detail, 300)}${next}`;
  }
  // The trust root is judged by its own policy: it starts the chain, so it changes nothing.
  if (c.trust.trustRoot) return undefined;
  if (!policyChangeAuthorized(c, j)) return `${what} changes .gitguard/ without a maintainer's signature (a maintainer of ${judging} must sign it)`;
  const touched = policy ? (c.trust.changedPaths ?? []).filter((p) => policy.protected.paths.some((pattern) => coveredBy(p, pattern))) : [];
  if (touched.length && !signedByMaintainer) return `${what} changes protected ${touched.map((p) => escapeText(p, 80)).join(', ')} without a maintainer's signature (a maintainer of ${judging} must sign it)`;
  if (c.trust.ciGateRemoved && !signedByMaintainer) return `${what} removes the gitguard step from CI without a maintainer's signature (a maintainer of ${judging} must sign it)`;
  return undefined;
}

async function check(repo: RepositoryInfo, updates: RefUpdate[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const rejections: string[] = [];
  const objectDirs = quarantineDirs(env, repo.gitDir);
  const history = await collectHistory(repo);
  const creating = updates.filter((u) => !ZERO.test(u.new));
  // Walk only what the push brings: the new tips, minus everything the repository already has.
  const revisions = [...new Set(creating.map((u) => u.new)), ...[...new Set(history.refs.map((r) => r.peeled ?? r.oid))].map((o) => `^${o}`)];
  const session = await openHistory(repo, history, { revisions, objectDirs }, true, { cache: false, env }, true);
  const shadow = createShadow(repo.commonDir, repo.objectFormat, objectDirs);
  try {
    const policyRefs = session.headPolicy?.protected.refs ?? [];
    const globs = (policyRefs.length ? policyRefs : DEFAULT_SERVER_PROTECTED_REFS).map(refGlob);
    for (const u of updates) {
      const ref = escapeText(u.ref, 120);
      if (!globs.some((g) => g.test(u.ref))) continue;
      if (ZERO.test(u.new)) rejections.push(`${ref}: deleting a protected ref is not allowed (the policy's protected.refs names it)`);
      else if (ZERO.test(u.old)) continue;
      else if (u.ref.startsWith('refs/tags/')) rejections.push(`${ref}: moving a protected tag is not allowed (${short(u.old)} -> ${short(u.new)}); publish a new tag instead`);
      else if ((await isAncestor(shadow, u.old, u.new)) !== true) rejections.push(`${ref}: non-fast-forward update of a protected ref (${short(u.old)} -> ${short(u.new)}) rewrites published history; fetch, rebase onto ${short(u.old)} (git pull --rebase) and push again`);
    }
    if (session.revisions.some((r) => !r.startsWith('^'))) {
      await walkCommits(session, (c) => {
        const why = judgeCommit(c as TrustedCommit);
        if (why) rejections.push(why);
      });
    }
  } finally {
    shadow.dispose();
    session.close();
  }
  return rejections;
}

export async function preReceiveCheck(opts: PreReceiveRequest): Promise<PreReceiveResult> {
  let rejections: string[];
  try {
    const updates = parseUpdates(opts.input);
    if (!updates.length) return { exitCode: 0, lines: [] };
    const repo = await discoverRepository(opts.path);
    rejections = await check(repo, updates, opts.env);
  } catch (err) {
    // Fail closed: a push gitguard could not check is not accepted.
    const hint = err instanceof ExpectedError && err.hint ? `; ${escapeText(err.hint, 200)}` : '';
    return { exitCode: 2, lines: [`gitguard: push rejected: cannot check it: ${escapeText(firstLine((err as Error).message), 300)}${hint}`] };
  }
  if (!rejections.length) return { exitCode: 0, lines: [] };
  return { exitCode: 1, lines: [...rejections.map((r) => `gitguard: rejected: ${r}`), `gitguard: push rejected (${rejections.length} problem${rejections.length === 1 ? '' : 's'})`] };
}
