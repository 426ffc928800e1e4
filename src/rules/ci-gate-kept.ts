import type { TrustedCommit } from '../domain/trust.js';
import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { unvouchedChange } from '../domain/judgement.js';
import { commitFinding } from './lib/trust-rule.js';
import { isCiFile } from '../domain/protected-paths.js';
import { CI_RUNNERS, hostingForges, type HostingForges } from '../domain/ci-systems.js';
import { parseRemote } from '../domain/forge.js';
import { remoteUrls } from '../domain/remote-urls.js';
import type { Facts } from '../domain/model.js';

/** The CI files it changes; else (a folder of the policy's holding a local action) every protected path it changes. */
function ciChanges(c: TrustedCommit): string[] {
  const ci = c.trust.changedPaths.filter((p) => isCiFile(p, c.trust.pathOrigins));
  return ci.length ? ci : c.trust.changedPaths;
}

/**
 * The forges that no longer run it (its CI files' step, or the chain of files they run), or
 * undefined where the walk did not name them: any forge.
 */
function lostFor(c: TrustedCommit): string[] | undefined {
  const chain = c.trust.mode !== 'policy' ? c.trust.ciChainLostFor : undefined;
  if (!c.trust.ciGateRemoved) return chain;
  return c.trust.ciGateLostFor && [...new Set([...c.trust.ciGateLostFor, ...(chain ?? [])])];
}

/**
 * The forges that may host the repository: the hosts of the URLs git fetches from and pushes to for
 * the auditor's remotes, url.<base>.insteadOf applied (its own config: no commit of the audited
 * history sets them), with the forge whose CI runs this job.
 */
function hosting(facts: Facts): HostingForges {
  if (!facts.config.ok) return { hosts: [] };
  const urls = [...remoteUrls(facts.config.value).values()].flatMap((r) => [...r.fetch, ...r.push]);
  return hostingForges(
    urls.map((u) => parseRemote(u)?.host),
    facts.ciRunners ?? [],
  );
}

/** CI_RUNNERS as bits, so the forges a count stands for resume as a number. */
const bitsOf = (names: readonly string[]): number =>
  CI_RUNNERS.reduce((bits, r, i) => (names.includes(r.name) ? bits | (1 << i) : bits), 0);
const namesOf = (bits: number): string[] => CI_RUNNERS.filter((_, i) => bits & (1 << i)).map((r) => r.name);

// The quietest way to switch gitguard off is to delete its CI step. Removing it is allowed only to a
// maintainer of the parent's policy (of each parent's: see unvouchedChange); without a policy every
// removal is reported. A loss counts only for a forge that may host the repository: a Forgejo
// folder in a repository on github.com (a Codeberg mirror's own CI) takes the gate from no CI that runs it.
export default defineCommitRule({
  id: 'ci-gate-kept',
  needs: ['history', 'signatures', 'protected-paths', 'config'],
  start(facts, ctx, resume) {
    const found = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ seen: 0, unknown: 0, elsewhere: 0, missedBy: 0 }, resume);
    const hosts = hosting(facts);
    const hosted = (lost: readonly string[] | undefined): boolean =>
      !hosts.runners || !lost || lost.some((name) => hosts.runners!.includes(name));
    return {
      visit(commit) {
        n.seen += 1;
        const c = commit as TrustedCommit;
        if (c.trust?.ciGateUnknown) n.unknown += 1;
        // A chain gutted past the CI files (a script's gitguard line): protected-paths-changed-by-maintainers
        // judges that where a policy judges the commit; elsewhere (no policy, keys only) this rule does.
        if (!c.trust) return;
        const lost = lostFor(c);
        const unread = c.trust.ciGateUnreadFor;
        if (!c.trust.ciGateRemoved && !lost?.length && !unread) return;
        const j = unvouchedChange(c);
        if (!j) return;
        // Past the run's YAML parse budget a side could not be read: fail closed, naming the knob.
        if (unread) {
          if (!hosted(unread)) {
            n.elsewhere += 1;
            n.missedBy |= bitsOf(unread);
          } else
            found.add(
              commitFinding(
                c,
                j,
                `may remove the gitguard step from the CI configuration (${ciChanges(c).join(', ')}) without a maintainer's signature, and cannot be judged: a CI file naming gitguard is past the run's YAML parse budget — "${c.subject}"; audit a shorter range (--base) or raise GITGUARD_YAML_PARSE_MB`,
              ),
            );
          return;
        }
        // Either loss counts only for a forge that may host the repository.
        if (!hosted(lost)) {
          n.elsewhere += 1;
          n.missedBy |= bitsOf(lost ?? []);
          return;
        }
        found.add(
          commitFinding(
            c,
            j,
            `removes the gitguard step from the CI configuration (${ciChanges(c).join(', ')}${lost?.length ? `; no longer run by ${lost.join(', ')}` : ''}) without a maintainer's signature — "${c.subject}"`,
          ),
        );
      },
      save: () => ({ counts: n, findings: found.save() }),
      finish() {
        if (n.seen === 0)
          return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        const notes = [
          n.unknown
            ? `${n.unknown} CI change(s) not judged: the CI files on one side are not in this repository (a partial clone leaves older files out)`
            : '',
          n.elsewhere
            ? `${n.elsewhere} change(s) that only ${namesOf(n.missedBy).join(', ')} would miss (remotes are on ${hosts.hosts.join(', ')}${facts.ciRunners?.length ? `; this job runs in ${facts.ciRunners.join(', ')}` : ''})`
            : '',
        ].filter(Boolean);
        return found.evaluation('fail', notes.length ? notes.join('; ') : undefined);
      },
    };
  },
});
