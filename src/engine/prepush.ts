// The pre-push check: git feeds `<local ref> <local sha> <remote ref> <remote sha>` lines on stdin.
// A deletion or non-fast-forward update of a protected remote ref fails; every commit about to be
// published (local sha, ^ its remote sha and ^ every remote-tracking tip of that remote) goes
// through the push rules (push-rules.ts, the server hook's too) in one walk, and the secrets scan
// reads what the push publishes (those commits, its annotated tags and notes). Called by
// `gitguard hook run pre-push`.
import { available, type HistoryFacts } from '../domain/model.js';
import { ExpectedError } from '../errors.js';
import { createShadow, type Shadow } from '../collect/git.js';
import { ObjectReader } from '../collect/objects.js';
import { discoverRepository } from '../collect/repository.js';
import { collectHistory } from '../collect/refs.js';
import { lostCommits, protectionOf } from '../collect/protected-refs.js';
import { floatingPushRefusal } from './floating-push.js';
import { fastForwards } from '../collect/ancestry-batch.js';
import { heldBy } from '../collect/ancestry.js';
import { remotePolicyTip } from '../collect/remote-policy-tip.js';
import { collectConfig } from '../collect/config.js';
import { branchTracking, fetchRefspecs, staleTracking, type StaleTracking } from '../domain/refspec.js';
import { remoteUrls } from '../domain/remote-urls.js';
import { attempt } from './attempt.js';
import { defaultProtectedRefs, refGlob } from '../domain/ledger.js';
import { POLICY_DIR } from '../domain/trust.js';
import { clientGate } from './client-gate.js';
import type { TrustOptions } from './history-session.js';
import { exitCodeFor, failsRun } from '../domain/verdict.js';
import { runRules } from './run-rules.js';
import { splitMetadataRefs } from '../collect/metadata-refs.js';
import { FactStore } from './facts.js';
import { failingFindings, isSecretsRule, nextStep, pushRules, PUSH_OMITS } from './push-rules.js';
import { escapeText, redactUrl } from '../domain/escape.js';
import { shellWord } from '../domain/shell-word.js';

export interface PrePushUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

const ZERO = /^0+$/;

/** "<local ref> <local sha> <remote ref> <remote sha>": the local side is what the user typed (git
 *  writes "HEAD@{1 minute ago}" as given, spaces and all), the other three have a fixed shape. A ref
 *  name may hold any character but ASCII space and controls: U+00A0 and U+2028 are JS whitespace
 *  (\S) and U+2028 a line end (. without the s flag), which refused such a push in one line, exit 2. */
const LINE = /^(.+) ([0-9a-f]{40}(?:[0-9a-f]{24})?) ([^ ]+) ([0-9a-f]{40}(?:[0-9a-f]{24})?)$/s;

function parsePrePushInput(input: string): PrePushUpdate[] {
  const out: PrePushUpdate[] = [];
  for (const [i, raw] of input.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m)
      throw new ExpectedError(
        `pre-push input line ${i + 1} is not "<local ref> <local sha> <remote ref> <remote sha>"`,
        "run it from the pre-push hook, which passes git's input on stdin (gitguard hook install)",
      );
    out.push({ localRef: m[1]!, localSha: m[2]!, remoteRef: m[3]!, remoteSha: m[4]! });
  }
  return out;
}

/** The next step after refusing a protected ref: deliberate rewrites are possible, and recorded. */
const deliberate = (ref: string): string =>
  `  next: if this is deliberate, push once with git push --no-verify, then record it: gitguard ledger accept ${shellWord(ref)}`;

/** What the push was judged without: the remote's refs as of the last fetch, some of them shown stale. */
function staleNote(stale: readonly StaleTracking[], to: string): string {
  const short = (o: string) => (ZERO.test(o) ? 'nothing' : o.slice(0, 12));
  const first = stale[0]!;
  return `gitguard pre-push: note: ${stale.length} remote-tracking ref(s) of ${to} are stale (${escapeText(first.name, 200)} records ${short(first.was)}, the remote has ${short(first.has)}${stale.length > 1 ? ', ...' : ''}): the commits only they held were checked as new, and the remote's other refs may have moved too; run git fetch ${shellWord(to)} and push again to judge the push against what it has now`;
}

/**
 * The history whose HEAD names the policy a push is judged with (protected refs, floating tags, the
 * goodlist and revocations at the tip, client.min_versions). The walk takes what it does not walk as
 * accepted, which in a push is only what the remote has: HEAD on a local branch neither published nor
 * pushed (a contributor's branch checked out, its policy goodlisting their commits or protecting no
 * ref) is vouched for by nothing. Its policy is then the remote's own (remote-policy-tip.ts: at
 * refs/remotes/<remote>/HEAD, else the one all its tracked branches carry), or none: the defaults,
 * and the policy at the pushed tip.
 */
async function policyHead(
  shadow: Shadow,
  reader: ObjectReader,
  history: HistoryFacts,
  remote: string,
  held: string[],
  branches: ReadonlySet<string>,
  stale: readonly StaleTracking[],
): Promise<HistoryFacts> {
  const oid = history.head.oid;
  if (!oid || (await heldBy(shadow, oid, held)) === true) return history;
  // The remote's policy where its refs are now: a tracking ref a line shows stale (its branch rewound
  // since the fetch, dropping a policy change) at the sha the remote has when held, else not at all.
  const now = new Map(stale.map((s) => [s.name, s.has]));
  const refs = history.refs.flatMap((r) => {
    const has = now.get(r.name);
    return has === undefined ? [r] : held.includes(has) ? [{ ...r, oid: has, type: 'commit' as const }] : [];
  });
  const live = new Set([...branches].filter((b) => !now.has(b) || held.includes(now.get(b)!)));
  const tip = await remotePolicyTip(reader, { ...history, refs }, remote, live);
  return { ...history, head: tip === undefined ? {} : { oid: tip } };
}

export async function prePushCheck(opts: {
  path: string;
  remote: string;
  url: string;
  input: string;
  env: NodeJS.ProcessEnv;
  trust?: TrustOptions;
}): Promise<{ exitCode: number; lines: string[] }> {
  const updates = parsePrePushInput(opts.input);
  const lines: string[] = [];
  if (!updates.length) return { exitCode: 0, lines: ['gitguard pre-push: nothing to push'] };
  const repo = await discoverRepository(opts.path, { cache: opts.trust?.cache !== false });
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  const reader = new ObjectReader(shadow); // the refs' types, then the facts' (one cat-file)
  let store: FactStore | undefined;
  try {
    const history = await collectHistory(repo, reader);
    // What the remote has published: its remote-tracking refs that a fetch refspec maps back to a
    // branch or tag of it (a pull request's head fetched as refs/remotes/origin/pr/1 is no one's
    // vetted history: its commits are walked, and HEAD on it names no policy).
    const tracking = history.refs.filter(
      (r) => r.name.startsWith(`refs/remotes/${opts.remote}/`) && !r.name.endsWith('/HEAD'),
    );
    // The config listing, read once (the facts' `config` below): the remote's fetch refspecs and URL
    // as git reads them, the user's config (a global url.<base>.insteadOf) included.
    const config = await attempt(() => collectConfig(repo, opts.env));
    if (tracking.length && !config.ok)
      throw new ExpectedError(`cannot read the git config: ${config.reason}`, 'fix the git config, then push again');
    const specs = config.ok ? fetchRefspecs(config.value) : new Map<string, string[]>();
    const branches = new Set(
      branchTracking(
        specs,
        opts.remote,
        tracking.map((r) => r.name),
      ),
    );
    // What the remote has: the tips the push names (git read them from the remote for this push: each
    // line's remote sha) that this repository holds...
    const theirs = [...new Set(updates.map((u) => u.remoteSha).filter((o) => !ZERO.test(o)))];
    const held = (
      await Promise.all(theirs.map(async (o) => ((await reader.read(o))?.type === 'commit' ? o : [])))
    ).flat();
    // ...and its remote-tracking tips, as of the last fetch: one whose ref a line shows elsewhere (the
    // remote rewound, moved or deleted it since) no longer counts as published, the line's sha does.
    // Unless the remote is fetched from another URL than it is pushed to (a pushurl: fetched from
    // upstream, pushed to a fork), where its refs record another repository than the lines.
    const published = tracking.filter((r) => branches.has(r.name));
    let stale = staleTracking(specs, opts.remote, published, updates);
    // Fetched from: its first url (insteadOf applied), else its name (git's remote.c add_url_alias).
    const fetchedFrom = (): string | undefined =>
      config.ok ? (remoteUrls(config.value).get(opts.remote)?.fetch[0] ?? opts.remote) : undefined;
    if (stale.length && fetchedFrom() !== opts.url) stale = [];
    const remoteTips = [
      ...new Set([
        ...published.filter((r) => !stale.some((s) => s.name === r.name)).map((r) => r.oid),
        ...stale.map((s) => s.has).filter((o) => held.includes(o)),
      ]),
    ];
    const to = escapeText(opts.remote, 100);
    let refused = false;
    // First what each update would publish (ancestry for all updates at once, see ancestry-batch.ts)...
    // A ^exclusion holds for the whole walk, so each is listed once: pushing N new branches beside N
    // remote-tracking refs must not list (or loop over) N x N of them (git push --all of a large
    // repository filled the heap).
    const revisions = new Set<string>();
    const againstTips = new Set<string>(); // local shas of new remote refs: measured against every remote-tracking tip
    const ffOf = new Map<PrePushUpdate, boolean | undefined>();
    const moves = updates
      .filter((u) => !ZERO.test(u.localSha) && !ZERO.test(u.remoteSha))
      .map((u) => ({ old: u.remoteSha, new: u.localSha }));
    const forward = await fastForwards(shadow, moves, remoteTips, Infinity);
    // Notes and a stash are judged by what they are (metadata-refs.ts), by the names they get on the remote:
    // what only they hold is not walked; the commit a pushed stash was made on is, as a new tip.
    const publishing = updates.filter((u) => !ZERO.test(u.localSha));
    const split = await splitMetadataRefs(
      shadow.gitDir,
      publishing.map((u) => ({ name: u.remoteRef, oid: u.localSha })),
      repo.objectFormat === 'sha256' ? 64 : 40,
      remoteTips,
    );
    const walked = new Set(split.tips);
    for (const t of walked)
      if (!publishing.some((u) => u.localSha === t)) {
        revisions.add(t);
        againstTips.add(t);
      }
    for (const u of publishing) {
      let ff: boolean | undefined;
      if (!ZERO.test(u.remoteSha)) {
        ff = forward.get(`${u.remoteSha} ${u.localSha}`);
        ffOf.set(u, ff);
      }
      if (!walked.has(u.localSha)) continue;
      revisions.add(u.localSha);
      if (ff === undefined) againstTips.add(u.localSha);
      else if (u.remoteSha !== u.localSha) revisions.add(`^${u.remoteSha}`);
    }
    // What the remote has is excluded for every update, as git's own push excludes its remote-tracking
    // tips: a fast-forward merging another of its branches publishes none of that branch's commits (a
    // leak the remote has there refused the push; the server accepts it). A tip is excluded unless it
    // is the one sha the new refs all push. A push walking nothing (a deletion) excludes nothing.
    if (revisions.size)
      for (const t of remoteTips) if (!(againstTips.size === 1 && againstTips.has(t))) revisions.add(`^${t}`);
    // Notes and a stash's WIP are published unwalked: the secrets scan reads them, less what the remote has.
    const unwalked = [
      ...split.unwalked,
      ...publishing
        .filter((u) => split.unwalked.includes(u.localSha) && held.includes(u.remoteSha))
        .map((u) => `^${u.remoteSha}`),
    ];
    // ...then the facts of the push rules: one walk over it, which also reads the policy at HEAD (the protected refs).
    const tips = [...revisions];
    const rules = await pushRules();
    const judgedWith = await policyHead(
      shadow,
      reader,
      history,
      opts.remote,
      [...remoteTips, ...held, ...walked],
      branches,
      stale,
    );
    store = new FactStore(
      {
        repository: repo,
        env: opts.env,
        scope: { revisions: tips, unwalked, refs: publishing.map((u) => ({ name: u.remoteRef, oid: u.localSha })) },
        ...(opts.trust ? { trust: opts.trust } : {}),
      },
      rules,
      { given: { history: available(judgedWith), config }, omit: PUSH_OMITS, objects: reader },
    );
    // The secrets scan runs beside the walk (its own git on the other core); its rule waits for it.
    const facts = await store.facts({ deferBeside: true });
    const factsReady = store.ready(facts);
    factsReady.catch(() => undefined); // met by runRules
    const session = await store.get('walk');
    const headPolicy = await store.get('head-policy');
    if (!headPolicy.ok) throw new ExpectedError(`unreadable policy: ${headPolicy.reason}`, 'fix .gitguard/policy.yml');
    const policy = headPolicy.value;
    const globs = (
      policy?.protected.refs.length ? policy.protected.refs : defaultProtectedRefs(history, repo.bare)
    ).map(refGlob);
    const floating = (policy?.protected.floatingTags ?? []).map(refGlob);

    const before = lines.length;
    for (const u of updates) {
      const name = escapeText(u.remoteRef, 200);
      if (protectionOf(u.remoteRef, globs) === undefined) continue;
      if (ZERO.test(u.localSha)) {
        refused = true;
        lines.push(`gitguard: refused: deleting protected ref ${name} on ${to}`, deliberate(name));
        continue;
      }
      if (ZERO.test(u.remoteSha) || u.remoteSha === u.localSha) continue;
      const ff = ffOf.get(u);
      if (u.remoteRef.startsWith('refs/tags/')) {
        // A floating tag (protected.floating_tags) may move forward as a maintainer's signed tag.
        let why: string | undefined;
        if (floating.some((g) => g.test(u.remoteRef))) {
          why = await floatingPushRefusal(session, shadow, u.remoteRef, u.remoteSha, u.localSha);
          if (why === undefined) continue;
        }
        refused = true;
        lines.push(
          `gitguard: refused: moving protected tag ${name} on ${to} from ${u.remoteSha.slice(0, 12)} to ${u.localSha.slice(0, 12)}${why ? ` (a floating tag may move only forward, as a maintainer's signed tag: ${escapeText(why, 200)})` : ''}`,
          deliberate(name),
        );
      } else if (ff === false) {
        refused = true;
        const lost = await lostCommits(shadow, u.remoteSha, [u.localSha]);
        const sample = lost.commits.map((c) => `${c.oid.slice(0, 12)} "${escapeText(c.subject, 80)}"`).join(', ');
        lines.push(
          `gitguard: refused: non-fast-forward update of protected ref ${name} on ${to}: ${lost.lost} commit(s) would vanish (${sample}${lost.lost > lost.commits.length ? ', ...' : ''})`,
          deliberate(name),
        );
      } else if (ff === undefined) {
        refused = true;
        lines.push(
          `gitguard: refused: cannot tell whether the update of protected ref ${name} on ${to} is a fast-forward: its remote tip ${u.remoteSha.slice(0, 12)} is not in this repository (fetch first)`,
        );
      }
    }

    // Refused by the defaults because HEAD's policy did not count and the remote named none: say so.
    if (lines.length > before && history.head.oid && !judgedWith.head.oid)
      lines.push(
        `  note: the default protections applied: HEAD is neither on ${to} nor pushed, and ${to} names no policy (no refs/remotes/${to}/HEAD, or its tracked branches carry different ones); name its default branch with: git remote set-head ${shellWord(to)} <branch>`,
      );

    // The policy's client.min_versions gates pushes too (src/engine/client-gate.ts).
    const gate = await clientGate(repo, judgedWith, policy, opts.env);
    if (gate.failed) refused = true;
    lines.push(...gate.lines);

    let exitCode = refused ? 1 : 0;
    // Without a walk (a push of notes or tags alone, or deletions) the secrets rule still reads its scan.
    if (session || (tips.length + unwalked.length && rules.some((r) => isSecretsRule(r.meta)))) {
      const { results, commits } = await runRules(rules, facts, {
        ...(session ? { session } : {}),
        ...(policy ? { policy } : {}),
        findingLimit: 100,
        factsReady,
      });
      const failed = results.filter((r) => failsRun(r, 'low') || r.outcome === 'error');
      for (const r of failed) {
        lines.push(`gitguard: ${r.meta.id}: ${escapeText(r.note ?? r.meta.title, 300)}`);
        const { findings, more } = failingFindings(r, 10);
        for (const f of findings)
          lines.push(`  ${f.commit ? `${f.commit.slice(0, 12)} ` : ''}${escapeText(f.message, 300)}`);
        if (more > 0) lines.push(`  ... and ${more} more`);
        const fix = nextStep(r.meta, policy ? POLICY_DIR : undefined);
        if (fix) lines.push(`  fix: ${fix}`);
      }
      if (failed.some((r) => !isSecretsRule(r.meta)))
        lines.push(
          `gitguard pre-push: next step: re-sign the commits with a signer's key (git commit --amend -S for the last one, git rebase --exec "git commit --amend --no-edit -S" <base> for several), or have a maintainer change ${'.gitguard/'} in a signed commit`,
        );
      exitCode = Math.max(exitCode, exitCodeFor(results, 'low'));
      lines.push(`gitguard pre-push: ${commits} new commit(s) checked, ${failed.length} rule(s) failed`);
    }
    if (stale.length) lines.push(staleNote(stale, to));
    if (exitCode !== 0)
      lines.push(`gitguard pre-push: push to ${to} (${escapeText(redactUrl(opts.url), 200)}) blocked`);
    return { exitCode, lines };
  } finally {
    await store?.close();
    reader.close();
    shadow.dispose();
  }
}
