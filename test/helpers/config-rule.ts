// One repository per test file for a config rule's cases: each case starts from the repository's own
// .git/config as made, sets its keys, and audits the one rule (outcome and finding messages).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, type TestRepo } from './repo.js';
import { parseJson, resultOf, runMain } from './cli.js';

export function configRuleRepo(rule: string): {
  r: TestRepo;
  outcome: (settings: Record<string, string>) => Promise<{ outcome: string; messages: string[] }>;
} {
  const r = makeRepo();
  r.commit('first', { 'README.md': 'x\n' });
  const file = join(r.dir, '.git', 'config');
  const original = readFileSync(file);
  const outcome = async (settings: Record<string, string>) => {
    writeFileSync(file, original);
    r.config(settings);
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', rule], { env: r.env });
    const result = resultOf(parseJson(res), rule);
    return { outcome: result.outcome, messages: result.findings.map((f) => f.message) };
  };
  return { r, outcome };
}
