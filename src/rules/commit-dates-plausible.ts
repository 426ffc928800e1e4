import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { touchedPaths } from './lib/commit.js';
import { OidIndex } from '../domain/oid-index.js';
import { isoTime } from '../domain/commit.js';

/** How far a committer date may go back across a parent link, or lie ahead of now (seconds). */
export const DATE_TOLERANCE_S = 24 * 60 * 60;

const iso = isoTime;

// Built only for a finding (no closure per commit): formatting dates for every commit cost more than the check.
function evidenceOf(
  c: { committer: { name: string; email: string }; subject: string },
  t: number,
): Record<string, string> {
  return { committer: `${c.committer.name} <${c.committer.email}>`, committed: iso(t), subject: c.subject };
}

export default defineCommitRule({
  id: 'commit-dates-plausible',
  needs: ['history'],
  start(facts, ctx, resume) {
    const now = Math.floor(facts.now / 1000);
    // Parents come before children in the walk; one number per commit, in a typed column (a Map of a
    // million hex ids cost ~150 MB) of the walk's own index where there is one (an index of its own cost
    // ~40 bytes and an insert per commit more); `dated` tells a date this rule set from the column's zero.
    const ids = ctx.commitIndex ?? new OidIndex();
    const timeOf = ids.column((n) => new Float64Array(n));
    const dated = ids.column((n) => new Int8Array(n));
    const date = (oid: string, t: number): void => {
      const i = ids.add(oid);
      timeOf.set(i, t);
      dated.set(i, 1);
    };
    const list = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ seen: 0 }, resume);
    return {
      // A parent judged by an earlier run: only its date is needed.
      parent(p) {
        date(p.oid, p.committerTime);
      },
      visit(c) {
        n.seen += 1;
        const t = c.committer.time;
        date(c.oid, t);
        if (t > now + DATE_TOLERANCE_S) {
          list.add({
            commit: c.oid,
            ...touchedPaths(c),
            message: `committer date ${iso(t)} lies in the future: "${c.subject}" by ${c.committer.name} <${c.committer.email}>`,
            evidence: evidenceOf(c, t),
          });
          return;
        }
        for (const p of c.parents) {
          const i = ids.get(p);
          const pt = i < 0 || !dated.get(i) ? undefined : timeOf.get(i);
          if (pt !== undefined && pt - t > DATE_TOLERANCE_S) {
            list.add({
              commit: c.oid,
              ...touchedPaths(c),
              message: `committer date ${iso(t)} is ${Math.round((pt - t) / 3600)} h before its parent ${p.slice(0, 12)} (${iso(pt)}): "${c.subject}" by ${c.committer.name} <${c.committer.email}> (possible backdating)`,
              evidence: { ...evidenceOf(c, t), parent: p, parentCommitted: iso(pt) },
            });
            break;
          }
        }
      },
      save: () => ({ counts: n, findings: list.save() }),
      finish() {
        if (!n.seen) return { outcome: 'not-applicable', note: 'no commits in scope' };
        return list.evaluation('warn');
      },
    };
  },
});
