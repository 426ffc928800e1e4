// Sets up the one walk over history that every per-commit rule (and `gitguard verify`) consumes:
// the scope (HEAD, --all, a range, from the trust root on), the shadow git dir, and, when signature
// rules run, the trust collector that attaches policies and verdicts to each commit.
import { cleanMerger } from '../collect/clean-merge.js';
import { ExpectedError, firstLine, StopsAuditError } from '../errors.js';
import { loadUserKeys, readKeyFile } from '../collect/user-keys.js';
import type { CommitFacts, HistoryFacts, RepositoryInfo } from '../domain/model.js';
import { createShadow, type Shadow } from '../collect/git.js';
import { walkScope } from './history-scope.js';
import { resolveCommitId } from './ledger.js';
import type { HistoryScope, HistorySession, TrustOptions } from './history-session.js';
import { walkCommitBatches, walkCommits } from '../collect/commits.js';
import { subscribePathTap } from '../collect/path-tap.js';
import { walkListWithout, type WalkList } from '../collect/walk-list.js';
import { taggedCommitTime } from '../collect/tagged-commit-time.js';
import { ObjectReader, TamperedObjectError } from '../collect/objects.js';
import { MissingObjectError } from '../collect/missing-object.js';
import { parseTagObject } from '../collect/tag-object.js';
import { TrustCollector } from '../collect/trust.js';
import { known } from '../collect/commit-flags.js';
import { VerifyCache } from '../collect/verify-cache.js';
import { DEFAULT_PROTECTED_PATHS, type Policy } from '../domain/policy.js';
import { CI_PATHS, watchList } from '../domain/protected-paths.js';
import { pastRevocations, policyRevocations, revocationMap, revokedKeysFromFile } from '../collect/revocations.js';
import { versionsInScope } from '../collect/checkout-keys.js';
import { resolveTrustRoot, rootExclusions, type FirstPolicyMemo } from '../collect/trust-root.js';
import { POLICY_DIR, TRUST_ROOT_SOURCE_TEXT, type TrustedCommit, type TrustedTag } from '../domain/trust.js';
import { batchedDescends } from '../collect/ancestry-batch.js';
import { knowDescendant } from '../collect/ancestry.js';
import { sharesHistory } from '../collect/shared-history.js';
import { acceptedPolicy } from '../collect/pre-root-judges.js';
import { readLedger } from '../collect/ledger.js';
import { setGateScope } from '../collect/gate-branches.js';
import { setTrustedActions } from '../collect/trusted-actions.js';
import { setStartFetches } from '../collect/start-fetches.js';
import { commandsRefused } from '../collect/command-reading.js';
import { derivedKey, derivedPaths, NO_DERIVED, originsAt, type DerivedWatch } from '../collect/derived-paths.js';
import { HOOKS_ORIGIN } from '../collect/hooks.js';
import { GIT_HOOKS } from '../domain/git-hooks.js';

/** Whether none of these commits has a .gitguard entry at all. */
async function noPolicyFolder(reader: ObjectReader, commits: readonly string[]): Promise<boolean> {
  for (const c of commits) if (await reader.read(`${c}:${POLICY_DIR}`)) return false;
  return true;
}

export async function openHistory(
  repo: RepositoryInfo,
  history: HistoryFacts,
  scope: HistoryScope,
  withTrust: boolean,
  trust: TrustOptions = {},
  watchProtected = false,
  shared?: ObjectReader,
  /** The work tree's paths git takes hooks from (collect/hooks.ts workTreeHookPaths): protected as `.githooks/` is. */
  hookPaths: readonly string[] = [],
): Promise<HistorySession> {
  const scoped = await walkScope(repo, history, scope);
  let { revisions, description } = scoped;
  const { unwalked } = scoped;
  const shadow: Shadow = createShadow(repo.commonDir, repo.objectFormat, scope.objectDirs);
  const reader = shared ?? new ObjectReader(shadow); // the run's (FactRun.objects), which its owner closes
  /** What the session closes: its trust collector, the walk's tap. */
  const collectors: Array<{ close(): void }> = [];
  const close = (): void => {
    for (const c of collectors) c.close();
    if (!shared) reader.close();
    shadow.dispose();
  };
  try {
    const tips = revisions.filter((r) => !r.startsWith('^'));
    if (!withTrust || revisions.length === 0) {
      const resumed = revisions.length ? await scope.resume?.at({ shadow, history, revisions }) : undefined;
      if (resumed) revisions = [...revisions, ...resumed.exclude.map((o) => `^${o}`)];
      const plain: HistorySession = {
        revisions,
        tips,
        unwalked,
        description,
        tags: async () => [],
        confirmRoot: async () => true,
        close,
        commits: () => walkCommits(shadow, { revisions, parentsFirst: true, onTotal: (n) => (plain.total = n) }),
        batches: () => walkCommitBatches(shadow, { revisions, parentsFirst: true, onTotal: (n) => (plain.total = n) }),
      };
      return plain;
    }
    const cache = trust.cache === false ? undefined : VerifyCache.open(repo.commonDir, trust.env);
    const userKeys = await loadUserKeys(trust, cache);
    const collector = new TrustCollector(reader, repo.objectFormat, userKeys, cache, trust.now, repo.workTree);
    // The policy at the tip names the trust root unless the user does.
    const tip = history.head.oid ?? revisions.find((r) => !r.startsWith('^'));
    let headPolicy: Policy | undefined;
    let headTree: string | undefined;
    if (tip) {
      const tree = await reader.read(`${tip}:${POLICY_DIR}`);
      if (tree?.type === 'tree') {
        headTree = tree.oid;
        try {
          headPolicy = await collector.policyAt(tree.oid, tip);
        } catch (err) {
          // Their own next steps: not the policy's fault.
          if (err instanceof TamperedObjectError || err instanceof MissingObjectError || err instanceof StopsAuditError)
            throw err;
          throw new ExpectedError(
            `unreadable policy: ${firstLine((err as Error).message)}`,
            'fix .gitguard/policy.yml',
          );
        }
      }
    }
    await setGateScope(headPolicy?.protected.refs ?? [], history, repo.bare, shadow.gitDir, tip);
    // Revocations at the tip (and in --revoked-keys files) void a key's signatures everywhere in scope.
    const fileRevocations = (trust.revokedKeys ?? []).map((f) => revokedKeysFromFile(readKeyFile(f, 'revokedKeys'), f));
    // A list in the work tree keeps what any version in scope revoked (a commit may not unrevoke itself).
    for (const f of trust.revokedKeys ?? [])
      for (const data of await versionsInScope(shadow.gitDir, reader, f, repo.workTree, revisions))
        fileRevocations.push(pastRevocations(data, f));
    await collector.scopeKeyFiles(shadow.gitDir, revisions);
    collector.setTipGoodlist(headPolicy, tip);
    collector.setRevocations(
      revocationMap(
        headPolicy ? await policyRevocations(headPolicy, headTree && `policy:${headTree}`, cache) : [],
        ...fileRevocations,
      ),
    );
    // The trust root: the one commit judged by its own policy (src/collect/trust-root.ts).
    let ledgerRoot: string | undefined;
    let ledgerTips: string[] = [];
    let ledgerRecorded = false;
    try {
      const ledger = readLedger(repo.commonDir);
      ledgerRoot = ledger?.trustRoot;
      const branches = Object.entries(ledger?.refs ?? {}).filter(([ref]) => ref.startsWith('refs/heads/'));
      ledgerRecorded = branches.length > 0;
      // Only the branch tips a walk judged: an audit also records tips it never walked (HEAD elsewhere).
      ledgerTips = branches.flatMap(([, e]) => (e.judged ? [e.judged] : []));
    } catch {
      /* a damaged ledger is reported by the ledger rules; its root is not used */
    }
    const baseOid = scope.base ? revisions[revisions.length - 1]?.slice(1) : undefined;
    const anchors = [
      ...new Set(
        [baseOid, history.head.oid, ...revisions.filter((r) => !r.startsWith('^'))].filter((r): r is string => !!r),
      ),
    ];
    // In CI the policy that names the root is the one at --base (accepted), not the tip being judged.
    let rootPolicy = headPolicy;
    if (baseOid) {
      const t = await reader.read(`${baseOid}:${POLICY_DIR}`);
      rootPolicy = t?.type === 'tree' ? await collector.policyAt(t.oid, baseOid).catch(() => undefined) : undefined;
    }
    const rootMemo = await scope.resume?.rootMemo(history);
    if (rootMemo?.rootBelow) knowDescendant(shadow, ...rootMemo.rootBelow);
    // The answers found by this run (and an earlier one's, given back when the audit runs again).
    const memo: FirstPolicyMemo = {
      known: [...(rootMemo?.known ?? []), ...(scope.rootAnswers ?? [])],
      found: rootMemo?.found ?? new Map<string, string>(),
    };
    const rootInput = {
      shadow,
      reader,
      anchors,
      ...(trust.trustRoot ? { explicit: trust.trustRoot } : {}),
      ...(ledgerRoot ? { ledgerRoot } : {}),
      ...(rootPolicy?.trustRoot ? { policyRoot: rootPolicy.trustRoot } : {}),
      ...(rootPolicy?.trustRoot && !baseOid && !scope.headAccepted ? { policyRootFromTip: true } : {}),
      resolve: (rev: string, what: string) => resolveCommitId(repo, rev, what),
      memo,
      ...(scope.revisions ? { pushed: revisions } : {}),
    };
    const policyFile = `${POLICY_DIR}/policy.yml`;
    // The default root is the first commit carrying the policy on a tip's first-parent chain: a
    // search of the whole chain (trust-root.ts). When nothing names a root, no tip has a policy folder
    // and the walk covers every anchor's whole chain (no --base, range or exclusion), the walk itself
    // reads each of those commits' policy folder: the root is taken to be none, and confirmRoot()
    // checks that no walked commit had a policy folder (else searches as before) once the walk is done.
    const speculative =
      scope.speculateRoot === true &&
      !rootInput.explicit &&
      !rootInput.ledgerRoot &&
      !rootInput.policyRoot &&
      !memo.known.length &&
      !revisions.some((r) => r.startsWith('^')) &&
      anchors.length > 0 &&
      anchors.every((a) => tips.includes(a)) &&
      (await noPolicyFolder(reader, anchors));
    const root = speculative ? undefined : await resolveTrustRoot(rootInput, policyFile);
    const trustRoot = root?.oid;
    let walkList: WalkList | undefined; // the same commits as `revisions`, as the secrets scan lists them
    if (root) {
      // History before the trust root is out of scope: the walk stops at its parents (rootExclusions).
      const parents = await rootExclusions(reader, root.oid, repo.shallow);
      // The scan's list, read once, when the parents exclude nothing more or few enough commits to skip.
      walkList = await walkListWithout(shadow.gitDir, revisions, parents);
      revisions = [...revisions, ...parents];
      description += `, from trust root ${root.oid.slice(0, 12)} (${TRUST_ROOT_SOURCE_TEXT[root.source]}${root.named ? `, ${root.named.slice(0, 12)}, carries no policy: the first commit after it that does` : ''}${root.overruled ? `; the tip's trust_root ${root.overruled.slice(0, 12)} is not honoured, the tip being what is judged: give it once with --trust-root, or audit with --base` : ''})`;
    }
    // Protected paths are watched in the same pass: the tip policy's patterns (or the defaults), the
    // CI configuration, whose gitguard step must not silently disappear, and what the tip holds that
    // stands for them elsewhere (a nested .gitattributes, a file the CI runs: derived-paths.ts); a file
    // the CI ran where the range starts (--base, else the trust root) too, though the tip's chain has lost it.
    const watch = watchList(headPolicy?.protected.paths ?? DEFAULT_PROTECTED_PATHS);
    const fixed = [
      ...new Set([...watch.paths.filter((p) => p !== POLICY_DIR && !p.startsWith(`${POLICY_DIR}/`)), ...CI_PATHS]),
    ];
    const oidBytes = repo.objectFormat === 'sha256' ? 32 : 20;
    const start = baseOid ?? trustRoot; // with --base, what ran at the root was accepted
    // The remote actions a gate may follow (trusted-actions.ts) and the fetch-and-run lines each job ran (start-fetches.ts).
    await setStartFetches(await setTrustedActions(reader, oidBytes, start));
    const found =
      watchProtected && tip
        ? await derivedPaths(shadow.gitDir, reader, oidBytes, tip, start, revisions, scope.resume?.rangeMemo(history))
        : undefined;
    const derived = withHookPaths(found ? originsAt(found, fixed) : NO_DERIVED, fixed, hookPaths);
    // A command of the CI past the run's YAML budget: what it runs is not watched (reported).
    const ciCommandsUnread = found !== undefined && commandsRefused();
    const { origins } = derived;
    const watched = watchProtected ? [...fixed, ...origins.keys()] : [];
    // Resuming an earlier run: its tips are left out, and their policy verdicts assumed for their children.
    const resumed = await scope.resume?.at({
      shadow,
      history,
      revisions,
      ...(trustRoot ? { trustRoot } : {}),
      headPolicyTree: headTree ?? '',
      derivedKey: derivedKey(derived),
    });
    if (resumed) {
      revisions = [...revisions, ...resumed.exclude.map((o) => `^${o}`)];
      if (walkList) walkList.revisions = [...walkList.revisions, ...resumed.exclude.map((o) => `^${o}`)];
      for (const j of resumed.judged) if (j.policyOk !== undefined) collector.assumeJudged(j.oid, j.policyOk);
      for (const j of resumed.judged) if (j.reach !== undefined) collector.times.assume(j.oid, j.reach, resumed.stops);
    }
    // A resumed walk leaves out commits of the chains: the speculation is checked by the search at once.
    let rootFound: Promise<boolean> | undefined;
    if (speculative && resumed) rootFound = resolveTrustRoot(rootInput, policyFile).then((r) => r !== undefined);
    let walkedAll = false;
    const confirmRoot = async (): Promise<boolean> => {
      if (!speculative) return true;
      if (!rootFound && walkedAll && !collector.sawPolicyFolder()) {
        for (const a of anchors) memo.found.set(a, '');
        return true;
      }
      rootFound ??= resolveTrustRoot(rootInput, policyFile).then((r) => r !== undefined);
      return !(await rootFound);
    };
    // What the server (its HEAD, for its hook) or CI (--base) has accepted judges a branch forked before the root.
    collector.accepted = acceptedPolicy(shadow, {
      base: baseOid ? { oid: baseOid, policy: rootPolicy } : undefined,
      head: history.head.oid && headPolicy ? { oid: history.head.oid, policy: headPolicy } : undefined,
      server: scope.headAccepted === true,
      ledgerTips: ledgerRecorded ? ledgerTips : undefined,
      trustRoot,
    });
    collector.setScope(
      // A keys-only history named from a commit (--trust-root in CI): the keys judge, as with no root.
      root?.policyless && userKeys ? undefined : trustRoot,
      watched,
      batchedDescends(shadow),
      cleanMerger(shadow, reader),
      (a, b) => sharesHistory(shadow, a, b),
      derived,
    );
    const active = collector;
    collectors.push(active);
    // Asked now, before the secrets scan starts its log (it waits for the policy at HEAD, read
    // after this session opens): the scan's log may then say what each commit changes at these paths.
    const tap = subscribePathTap(shadow.gitDir, walkList?.revisions ?? revisions, active.walkPaths());
    collectors.push({ close: () => tap.release() });
    async function* batches(): AsyncGenerator<CommitFacts[]> {
      // enrich() records each commit's policy before it first waits, so children always see their
      // parents. Commits go out in windows of 256 whose signature checks overlap, and the next
      // window is read and sent while the one before is still being checked (the walk waiting on
      // each window left the verification threads idle half the time). Most commits are judged at
      // once (no promise): a window of those is passed on as it is.
      let pending: Array<CommitFacts | Promise<CommitFacts>> = [];
      let pendingBytes = 0; // a window ends at 32 MB of commits too: 30 commits of 60 MB messages held 3.7 GB
      let previous: CommitFacts[] | Promise<CommitFacts[]> | undefined;
      try {
        for await (const records of walkCommitBatches(shadow, {
          revisions: walkList?.revisions ?? revisions,
          ...(walkList?.skip ? { skip: walkList.skip } : {}),
          parentsFirst: true,
          paths: active.walkPaths(),
          tap,
          onTotal: (n) => {
            session.total = n;
            active.verifier.expect(n); // sizes the verification pool
          },
        })) {
          for (const c of records) {
            let p: CommitFacts | Promise<CommitFacts>;
            try {
              p = active.enrich(c);
            } catch (err) {
              p = Promise.reject(err instanceof Error ? err : new Error(String(err)));
            }
            if (p instanceof Promise) p.catch(() => undefined); // a failure surfaces through the window, not as unhandled
            pending.push(p);
            pendingBytes += c.payload.length;
          }
          if (pending.length >= 256 || pendingBytes >= 32 * 1024 * 1024) {
            const window = known(pending);
            if (window instanceof Promise) window.catch(() => undefined); // surfaces when awaited, in order
            [pending, pendingBytes] = [[], 0];
            if (previous) yield previous instanceof Promise ? await previous : previous;
            previous = window;
          }
        }
        if (previous) yield previous instanceof Promise ? await previous : previous;
        if (pending.length) {
          const last = known(pending);
          yield last instanceof Promise ? await last : last;
        }
        walkedAll = true;
      } finally {
        cache?.save();
      }
    }
    // A commit judged by a policy not known yet to pass on (HEAD's is walked last) waits for the end of the walk.
    async function* settled(): AsyncGenerator<CommitFacts[]> {
      const later: CommitFacts[] = [];
      for await (const batch of batches()) {
        const now = batch.filter((c) => !active.isUnsettled(c.oid) || !later.push(c));
        if (now.length) yield now;
      }
      if (later.length) yield await Promise.all(later.map((c) => active.settle(c as TrustedCommit)));
    }
    async function* commits(): AsyncGenerator<CommitFacts> {
      for await (const batch of settled()) yield* batch;
    }
    const judgeTag = async (oid: string, ref: string): Promise<TrustedTag | undefined> => {
      const o = await reader.read(oid);
      if (o?.type !== 'tag') return undefined;
      const tag = parseTagObject(oid, o.body);
      // A tag is made after the commit it tags: its signature counts as made no earlier (judgement.ts).
      const madeAfter = await taggedCommitTime(reader, oid, active.times.reachOf);
      return { ref, tag, judged: await active.trustTag(tag, headPolicy, madeAfter) };
    };
    const tags = async (): Promise<TrustedTag[]> => {
      const out: TrustedTag[] = [];
      for (const ref of history.refs) {
        if (!ref.name.startsWith('refs/tags/') || ref.type !== 'tag') continue;
        const t = await judgeTag(ref.oid, ref.name);
        if (t) out.push(t);
      }
      return out;
    };
    const session: HistorySession = {
      revisions,
      tips,
      description,
      headPolicyTree: headTree ?? '',
      ciUnread: [...derived.unread],
      ...(derived.rangeCut ? { ciRangeCut: derived.rangeCut } : {}),
      ...(ciCommandsUnread ? { ciCommandsUnread } : {}),
      passesOn: (oid) => active.passesOn(oid),
      floors: active.times,
      commitIndex: active.commitIndex,
      passesOnOutside: (oid) => active.policyOkOf(oid),
      confirmRoot,
      rootAnswers: () => [...memo.found],
      ...(headPolicy ? { headPolicy } : {}),
      ...(root ? { trustRoot: root.oid, trustRootInfo: root } : {}),
      commits,
      batches: settled,
      tags,
      judgeTag,
      close,
    };
    return session;
  } catch (err) {
    close();
    throw err;
  }
}

/**
 * `derived` with the work tree's hook paths watched as what they stand for, `.githooks` (the default
 * protected path of a repository's hooks): whoever commits there picks what git runs. A path a watched
 * one holds is watched already; one holding a watched path (a file the CI runs, watched in its parts)
 * is watched as the hooks git runs in it instead; none inside the policy folder.
 */
function withHookPaths(derived: DerivedWatch, fixed: readonly string[], paths: readonly string[]): DerivedWatch {
  const origins = new Map(derived.origins);
  const watched = (): string[] => [...fixed, ...origins.keys()];
  const add = (path: string): void => {
    if (path === POLICY_DIR || path.startsWith(`${POLICY_DIR}/`)) return;
    if (watched().some((w) => path === w || path.startsWith(`${w}/`))) return;
    if (watched().some((w) => w.startsWith(`${path}/`))) GIT_HOOKS.forEach((h) => add(`${path}/${h}`));
    else origins.set(path, HOOKS_ORIGIN);
  };
  paths.forEach(add);
  return origins.size === derived.origins.size ? derived : { ...derived, origins };
}
