// Keeps rules/*.json, the registry in src/rules/index.ts, the rule tests and the README's rule table
// in step (the idea of ESLint's checkRuleFiles and Scorecard's validate step).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinCatalog, loadRuleMeta, loadRules, parseRuleMeta, RULES_DIR } from '../../src/engine/catalog.js';
import { registry, type RuleEntry } from '../../src/rules/index.js';
import type { Rule } from '../../src/domain/model.js';
import { readRuleTables } from './rule-tables.js';

const root = join(RULES_DIR, '..');
const metas = loadRuleMeta();
const ids = metas.map((m) => m.id).sort();

describe('rule catalog', () => {
  test('every rules/*.json has an implementation and every implementation has metadata', () => {
    expect(() => joinCatalog(metas, registry)).not.toThrow();
    expect(registry.map((r) => r.id).sort()).toEqual(ids);
  });

  test("every rule's module declares the id, kind and needs its registry entry lists (runs are selected by the entry)", async () => {
    const loaded = await loadRules(joinCatalog(metas, registry));
    expect(loaded.map((c) => [c.rule.id, c.rule.kind, [...c.rule.needs].sort()])).toEqual(
      registry.map((e) => [e.id, e.kind, [...e.needs].sort()]),
    );
  });

  test('a module that declares other needs or another kind than its registry entry is refused when loaded', async () => {
    const real = registry.find((e) => e.id === 'commits-signed')!;
    const meta = metas.find((m) => m.id === real.id)!;
    const lying: RuleEntry[] = [
      { ...real, needs: ['history'] },
      { ...real, kind: 'repo' },
    ];
    for (const entry of lying)
      await expect(loadRules([{ meta, entry }])).rejects.toThrow(
        /src\/rules\/index\.ts registers "commits-signed .*" but its module declares "commits-signed commits \[history, policy, signatures\]"/,
      );
  });

  test('the registry is sorted by id', () => {
    const reg = registry.map((r) => r.id);
    expect(reg).toEqual([...reg].sort());
  });

  test('every rule has a source file of the same basename', () => {
    const files = readdirSync(join(root, 'src', 'rules')).filter(
      (f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'define.ts',
    );
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(ids);
  });

  // A rule "fails" with 'fail', or 'warn' for the rules whose findings are warnings (reflog, dates, data age).
  test('every rule reaches both pass and fail (or warn) in its test tables under test/rules', async () => {
    const tables = readRuleTables(join(root, 'test', 'rules'));
    expect(tables.unreadable).toEqual([]);
    const outcomes = new Map<string, Set<string>>();
    for (const t of tables.tables) {
      const rule = ((await import(t.module)) as { default: Rule }).default;
      const seen = outcomes.get(rule.id) ?? new Set<string>();
      for (const o of t.outcomes) seen.add(o);
      outcomes.set(rule.id, seen);
    }
    const reaches = (id: string, o: 'pass' | 'fail') =>
      o === 'pass' ? outcomes.get(id)?.has('pass') : outcomes.get(id)?.has('fail') || outcomes.get(id)?.has('warn');
    const missing = ids.flatMap((id) =>
      (['pass', 'fail'] as const).filter((o) => !reaches(id, o)).map((o) => `${id}: no ${o} case`),
    );
    expect(missing).toEqual([]);
  });

  test("the README's rule table lists exactly the rules, with their threat and severity", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.split('<!-- rules:start -->')[1]?.split('<!-- rules:end -->')[0] ?? '';
    const rows = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (\w+) \| (\w+) \|/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows.map((r) => r[0]).sort()).toEqual(ids);
    for (const [id, threat, severity] of rows) {
      const meta = metas.find((m) => m.id === id)!;
      expect([id, threat, severity]).toEqual([meta.id, meta.threat, meta.severity]);
    }
  });

  test('rejects metadata with a missing field, naming the file and rule', () => {
    expect(() =>
      parseRuleMeta(
        'rules/x.json',
        JSON.stringify({ id: 'x', threat: 'history', severity: 'high', title: 't', description: 'd', remediation: [] }),
      ),
    ).toThrow('rules/x.json: rule "x": field "references" must be a list of strings');
    expect(() =>
      parseRuleMeta('rules/y.json', JSON.stringify({ id: 'y', threat: 'weather', severity: 'high' })),
    ).toThrow(/rules\/y\.json: rule "y": field "threat"/);
    expect(() => parseRuleMeta('rules/z.json', '{nope')).toThrow(/rules\/z\.json: not valid JSON/);
  });
});
