import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';

// git does not re-hash objects when it reads them, so a loose object file can be swapped for other
// content under the same name. Every commit gitguard judges is re-hashed by the reader.
export default defineCommitRule({
  id: 'objects-intact',
  needs: ['history'],
  start(facts, ctx, resume) {
    const forged = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ seen: 0 }, resume);
    return {
      visit(c) {
        n.seen += 1;
        if (!c.hashOk)
          forged.add({
            commit: c.oid,
            message: `the object stored as ${c.oid} does not hash to that id: its content was altered ("${c.subject}")`,
            evidence: { subject: c.subject },
          });
      },
      save: () => ({ counts: n, findings: forged.save() }),
      finish() {
        const { seen } = n;
        if (seen === 0) return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        return forged.evaluation('fail', `${seen} commit object(s) re-hashed`);
      },
    };
  },
});
