import { defineCommitRule } from './define.js';
import { FindingList } from './lib/findings.js';
import { identityText } from './lib/commit.js';

export default defineCommitRule({
  id: 'commits-signed',
  needs: ['history'],
  start(facts, ctx) {
    const unsigned = new FindingList(ctx.findingLimit);
    let seen = 0;
    return {
      visit(c) {
        seen += 1;
        if (c.signatures.length === 0) {
          unsigned.add({
            commit: c.oid,
            message: `no signature: "${c.subject}" by ${identityText(c.committer)}`,
            evidence: { subject: c.subject, author: identityText(c.author), committer: identityText(c.committer), date: new Date(c.committer.time * 1000).toISOString() },
          });
        }
      },
      finish() {
        if (seen === 0) return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        return unsigned.evaluation('fail', `${unsigned.count} of ${seen} commits have no signature`);
      },
    };
  },
});
