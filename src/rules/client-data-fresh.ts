import { defineRepoRule } from './define.js';
import { FindingList } from './lib/findings.js';
import { knowsId } from '../vulndb/database.js';
import { TOOL_SCHEMES } from '../vulndb/tool-versions.js';

const MAX_AGE_DAYS = 120;
const DAY = 86_400_000;
const DATABASES = ['git', 'gpg', 'openssh', 'git-lfs'] as const;

export default defineRepoRule({
  id: 'client-data-fresh',
  // The client facts carry the installed packages' changelogs, cross-checked against the data below.
  needs: ['client'],
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
        found.add({
          message: `rules/${name}-vulnerabilities.json was compiled on ${db.compiled}, ${days} days ago (more than ${MAX_AGE_DAYS})`,
          evidence: { database: name, compiled: db.compiled, ageDays: days },
        });
      }
    }
    // Stale data shows itself: a CVE the installed package's changelog names that the database
    // neither lists nor excludes on purpose.
    const reported = new Set<string>();
    for (const t of facts.client.ok ? facts.client.value : []) {
      if (t.record?.kind !== 'changelog') continue;
      const name = TOOL_SCHEMES[t.tool].database;
      const db = ctx.data.vulnerabilities(name);
      for (const m of t.record.mentions) {
        if (knowsId(db, m.id) || reported.has(`${name} ${m.id}`)) continue;
        reported.add(`${name} ${m.id}`);
        found.add({
          message: `${m.id} is unknown to gitguard: the changelog of ${t.record.package} ${t.record.version} names it (entry ${m.version}, line ${m.line}: ${m.text}) but rules/${name}-vulnerabilities.json neither lists nor excludes it; the data may be stale`,
          evidence: {
            status: 'unknown-to-gitguard',
            database: name,
            id: m.id,
            package: t.record.package,
            packageVersion: t.record.version,
            changelog: t.record.source,
            changelogVersion: m.version,
            changelogLine: m.line,
            changelogText: m.text,
          },
        });
      }
    }
    return found.evaluation('warn', `vulnerability data compiled: ${ages.join(', ')}`);
  },
});
