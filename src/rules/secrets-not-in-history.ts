import type { Finding } from '../domain/model.js';
import { refGlob, type Glob } from '../domain/ledger.js';
import { defineRepoRule } from './define.js';
import { notAvailable } from './lib/findings.js';

/** The stable identity of a committed secret, as the policy's secrets.allow names it. */
function secretFingerprint(leak: { commit: string; path: string; kind: string; line: number }): string {
  return `${leak.commit}:${leak.path}:${leak.kind}:${leak.line}`;
}

const mib = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

export default defineRepoRule({
  id: 'secrets-not-in-history',
  // 'signatures': the walk says whether the policy at HEAD passes on, or its allowances count for nothing.
  needs: ['history', 'policy', 'secrets', 'signatures'],
  evaluate(facts, ctx) {
    const s = facts.secrets;
    if (!s) return notAvailable('not collected');
    if (!s.ok) return notAvailable(s.reason);
    const scan = s.value;
    // A push of a tag or a note alone publishes no commit, and what it publishes is still scanned.
    if (scan.commits === 0 && !scan.leaks.length && !scan.more)
      return { outcome: 'not-applicable', note: 'no commits in scope' };
    const policy = facts.policy?.ok ? facts.policy.value : undefined;
    // Allowances written by a policy change no maintainer made (it may be the leak's own commit) excuse nothing.
    const unvetted = ctx.policyVetted === false && !!policy?.secrets?.allow.length;
    const allow = unvetted ? [] : (policy?.secrets?.allow ?? []);
    const byFingerprint = new Map<string, string>();
    const byPath: Array<{ re: Glob; glob: string; reason?: string }> = [];
    for (const a of allow) {
      if ('fingerprint' in a) byFingerprint.set(a.fingerprint, a.reason);
      else byPath.push({ re: refGlob(a.path), glob: a.path, ...(a.reason ? { reason: a.reason } : {}) });
    }

    const open: Finding[] = [];
    const excused: Finding[] = [];
    let openCount = 0;
    let excusedCount = 0;
    let vendoredCount = 0;
    let publishedCount = 0;
    for (const leak of scan.leaks) {
      const fingerprint = secretFingerprint(leak);
      // A copy of a finding (leak-copies.ts) is the same bytes: excused by that finding's fingerprint too.
      const reason =
        byFingerprint.get(fingerprint) ??
        (leak.from && byFingerprint.get(secretFingerprint({ ...leak, ...leak.from })));
      const glob = reason === undefined ? byPath.find((p) => p.re.test(leak.path)) : undefined;
      const finding: Finding = {
        message: `${leak.title} committed in ${leak.commit.slice(0, 12)} at ${leak.path}:${leak.line}: ${leak.redacted}`,
        commit: leak.commit,
        file: leak.path,
        evidence: { path: leak.path, line: leak.line, kind: leak.kind, secret: leak.redacted, fingerprint },
      };
      const vendored = reason === undefined && !glob ? leak.vendored : undefined;
      // A key every copy of a public project carries (a test fixture) is no secret, wherever it lies.
      const published = reason === undefined && !glob && !vendored ? leak.published : undefined;
      if (reason !== undefined || glob || vendored || published) {
        finding.suppressed = true;
        finding.suppressedBy = vendored
          ? `vendored dependency, published by its author: ${vendored}`
          : published
            ? `published test key, in every copy of ${published}`
            : `policy secrets.allow: ${reason ?? glob!.reason ?? `path ${glob!.glob}`}`;
        if (vendored) vendoredCount += 1;
        else if (published) publishedCount += 1;
        else excusedCount += 1;
        if (excused.length < ctx.findingLimit) excused.push(finding);
      } else {
        openCount += 1;
        if (open.length < ctx.findingLimit) open.push(finding);
      }
    }
    // Leaks found beyond the ones the scan kept are counted, and never excused unseen.
    openCount += scan.more;

    // Binary and oversized file versions were read for their printable text (a push publishes them).
    const binary = [
      scan.skipped.binary && `${scan.skipped.binary} binary`,
      scan.skipped.oversized && `${scan.skipped.oversized} larger than ${mib(scan.maxBlobBytes)}`,
    ].filter(Boolean);
    const note = [
      `${scan.commits} commit(s), ${scan.scanned} file version(s) scanned${binary.length ? ` (and ${binary.join(', ')}, for their printable text)` : ''}${scan.skipped.repeated ? `; skipped ${scan.skipped.repeated} already scanned` : ''}`,
      scan.entropy ? 'generic high-entropy detector on' : undefined,
      excusedCount ? `${excusedCount} excused by the policy's secrets.allow` : undefined,
      unvetted
        ? 'nothing excused: the policy at HEAD changed without a maintainer (policy-changes-authorized)'
        : undefined,
      vendoredCount
        ? `${vendoredCount} in vendored dependencies (node_modules/, site-packages/...), not failing`
        : undefined,
      publishedCount
        ? `${publishedCount} published test key(s) (rules/secret-formats.json publishedKeys), not failing`
        : undefined,
      policy === undefined && facts.policy && !facts.policy.ok
        ? `policy unreadable, nothing excused: ${facts.policy.reason}`
        : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    return {
      outcome: openCount ? 'fail' : 'pass',
      findings: [...open, ...excused],
      findingCount: openCount + excusedCount + vendoredCount + publishedCount,
      ...(excusedCount + vendoredCount + publishedCount
        ? { suppressedCount: excusedCount + vendoredCount + publishedCount }
        : {}),
      note,
    };
  },
});
