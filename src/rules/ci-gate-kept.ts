import type { TrustedCommit } from '../domain/trust.js';
import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { unvouchedChange } from '../domain/judgement.js';
import { commitFinding } from './lib/trust-rule.js';
import { isCiFile } from '../domain/protected-paths.js';
import { CI_RUNNERS, hostingForges, type HostingForges } from '../domain/ci-systems.js';
import { parseRemote } from '../domain/forge.js';
import { remoteUrls } from '../domain/remote-urls.js';
import type { Facts, Finding } from '../domain/model.js';
import { boundFinding } from '../domain/finding-bounds.js';

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

/** A loss kept for the end of the run: its place in the walk (findings keep the walk's order) and the finding. */
interface Kept {
  seq: number;
  finding: Finding;
}

/**
 * The losses found, grouped by the forges that would miss them (bitsOf; 0: any forge, the walk named
 * none), each group's first `limit` findings kept and the rest counted. Which groups count is decided
 * in finish() from that run's remotes and CI variables: a resumed walk's saved losses are judged
 * again with the facts of the run that resumes them (a remote added since, another CI's job).
 */
class LossesByForge {
  private seq = 0;
  private readonly groups = new Map<number, { items: Kept[]; count: number }>();

  constructor(
    private readonly limit: number,
    saved: unknown,
  ) {
    const s = saved as { seq?: unknown; groups?: unknown } | undefined;
    if (typeof s?.seq === 'number') this.seq = s.seq;
    for (const g of Array.isArray(s?.groups) ? (s.groups as unknown[]) : []) {
      const { bits, items, count } = g as { bits?: unknown; items?: unknown; count?: unknown };
      if (typeof bits === 'number' && typeof count === 'number' && Array.isArray(items))
        this.groups.set(bits, { items: (items as Kept[]).slice(0, limit), count });
    }
  }

  add(bits: number, make: () => Finding): void {
    const g = this.groups.get(bits) ?? { items: [], count: 0 };
    this.groups.set(bits, g);
    g.count += 1;
    const seq = this.seq++;
    if (g.items.length < this.limit) g.items.push({ seq, finding: boundFinding(make()) });
  }

  save(): unknown {
    return { seq: this.seq, groups: [...this.groups].map(([bits, g]) => ({ bits, ...g })) };
  }

  /** The losses some forge that may host the repository would miss, in walk order, and the others' count and forges. */
  judge(hosted: (bits: number) => boolean): { found: FindingList; elsewhere: number; missedBy: number } {
    const kept: Kept[] = [];
    let count = 0;
    let elsewhere = 0;
    let missedBy = 0;
    for (const [bits, g] of this.groups) {
      if (hosted(bits)) {
        kept.push(...g.items);
        count += g.count;
      } else {
        elsewhere += g.count;
        missedBy |= bits;
      }
    }
    const items = kept.sort((a, b) => a.seq - b.seq).map((k) => k.finding);
    return { found: new FindingList(this.limit, { items, count }), elsewhere, missedBy };
  }
}

// The quietest way to switch gitguard off is to delete its CI step. Removing it is allowed only to a
// maintainer of the parent's policy (of each parent's: see unvouchedChange); without a policy every
// removal is reported. A loss counts only for a forge that may host the repository: a Forgejo
// folder in a repository on github.com (a Codeberg mirror's own CI) takes the gate from no CI that runs it.
export default defineCommitRule({
  id: 'ci-gate-kept',
  needs: ['history', 'signatures', 'protected-paths', 'config'],
  start(facts, ctx, resume) {
    // The hosts are this run's (remotes, CI variables): they are read in finish(), never saved.
    const losses = new LossesByForge(ctx.findingLimit, resume?.losses);
    const n = resumeCounts({ seen: 0, unknown: 0 }, resume);
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
          losses.add(bitsOf(unread), () =>
            commitFinding(
              c,
              j,
              `may remove the gitguard step from the CI configuration (${ciChanges(c).join(', ')}) without a maintainer's signature, and cannot be judged: a CI file naming gitguard is past the run's YAML parse budget — "${c.subject}"; audit a shorter range (--base) or raise GITGUARD_YAML_PARSE_MB`,
            ),
          );
          return;
        }
        losses.add(bitsOf(lost ?? []), () =>
          commitFinding(
            c,
            j,
            `removes the gitguard step from the CI configuration (${ciChanges(c).join(', ')}${lost?.length ? `; no longer run by ${lost.join(', ')}` : ''}) without a maintainer's signature — "${c.subject}"`,
          ),
        );
      },
      save: () => ({ counts: n, losses: losses.save() }),
      finish() {
        if (n.seen === 0)
          return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        // Either loss counts only for a forge that may host the repository (0: the walk named no forge, any).
        const hosts = hosting(facts);
        const runs = hosts.runners && bitsOf(hosts.runners);
        const { found, elsewhere, missedBy } = losses.judge((bits) => runs === undefined || !bits || !!(bits & runs));
        const notes = [
          n.unknown
            ? `${n.unknown} CI change(s) not judged: the CI files on one side are not in this repository (a partial clone leaves older files out)`
            : '',
          elsewhere
            ? `${elsewhere} change(s) that only ${namesOf(missedBy).join(', ')} would miss (remotes are on ${hosts.hosts.join(', ')}${facts.ciRunners?.length ? `; this job runs in ${facts.ciRunners.join(', ')}` : ''})`
            : '',
        ].filter(Boolean);
        return found.evaluation('fail', notes.length ? notes.join('; ') : undefined);
      },
    };
  },
});
