import { defineRepoRule } from './define.js';
import { FindingList } from './lib/findings.js';

const MAX_AGE_DAYS = 120;
const DAY = 86_400_000;
const DATABASES = ['git', 'gpg', 'openssh', 'git-lfs'] as const;

export default defineRepoRule({
  id: 'client-data-fresh',
  needs: [],
  evaluate(facts, ctx) {
    const now = facts.now;
    const found = new FindingList(ctx.findingLimit);
    const ages: string[] = [];
    for (const name of DATABASES) {
      const db = ctx.data.vulnerabilities(name);
      const compiled = Date.parse(`${db.compiled}T00:00:00Z`);
      const days = Math.floor((now - compiled) / DAY);
      ages.push(`${name} ${db.compiled}`);
      if (days > MAX_AGE_DAYS) {
        found.add({ message: `rules/${name}-vulnerabilities.json was compiled on ${db.compiled}, ${days} days ago (more than ${MAX_AGE_DAYS})`, evidence: { database: name, compiled: db.compiled, ageDays: days } });
      }
    }
    return found.evaluation('warn', `vulnerability data compiled: ${ages.join(', ')}`);
  },
});
