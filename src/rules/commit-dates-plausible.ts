import { defineCommitRule } from './define.js';
import { FindingList } from './lib/findings.js';
import { touchedPaths } from './lib/commit.js';

/** How far a committer date may go back across a parent link, or lie ahead of now (seconds). */
export const DATE_TOLERANCE_S = 24 * 60 * 60;

export default defineCommitRule({
  id: 'commit-dates-plausible',
  needs: ['history'],
  start(facts, ctx) {
    const now = Math.floor(facts.now / 1000);
    // Parents come before children in the walk; one number per commit.
    const timeOf = new Map<string, number>();
    const list = new FindingList(ctx.findingLimit);
    let seen = 0;
    const iso = (t: number): string => new Date(t * 1000).toISOString();
    return {
      visit(c) {
        seen += 1;
        const t = c.committer.time;
        timeOf.set(c.oid, t);
        const evidence = { committer: `${c.committer.name} <${c.committer.email}>`, committed: iso(t), subject: c.subject };
        if (t > now + DATE_TOLERANCE_S) {
          list.add({ commit: c.oid, ...touchedPaths(c), message: `committer date ${iso(t)} lies in the future: "${c.subject}" by ${c.committer.name} <${c.committer.email}>`, evidence });
          return;
        }
        for (const p of c.parents) {
          const pt = timeOf.get(p);
          if (pt !== undefined && pt - t > DATE_TOLERANCE_S) {
            list.add({ commit: c.oid, ...touchedPaths(c), message: `committer date ${iso(t)} is ${Math.round((pt - t) / 3600)} h before its parent ${p.slice(0, 12)} (${iso(pt)}): "${c.subject}" by ${c.committer.name} <${c.committer.email}> (possible backdating)`, evidence: { ...evidence, parent: p, parentCommitted: iso(pt) } });
            break;
          }
        }
      },
      finish() {
        if (!seen) return { outcome: 'not-applicable', note: 'no commits in scope' };
        return list.evaluation('warn');
      },
    };
  },
});
