// The one facts module (src/engine/facts.ts over the registry in src/engine/fact-collectors.ts): which
// collectors a rule selection wants, that each fact is collected once, and that the registry is whole.
import { COLLECTORS } from '../../src/engine/fact-collectors.js';
import type { CollectedName } from '../../src/engine/fact-run.js';
import { FactStore } from '../../src/engine/facts.js';
import { listRules, loadRules } from '../../src/engine/catalog.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const catalog = await loadRules(listRules());
const rule = (id: string) => {
  const c = catalog.find((e) => e.meta.id === id);
  if (!c) throw new Error(`no rule ${id}`);
  return c;
};
const NAMES = Object.keys(COLLECTORS) as CollectedName[];
/** Rule needs that are options of the walk, not facts of their own. */
const WALK_OPTIONS = ['signatures', 'protected-paths'];

describe('the collector registry', () => {
  test('every fact a collector reads has its own collector, registered before it (collected first)', () => {
    for (const [i, name] of NAMES.entries()) {
      for (const dep of [...COLLECTORS[name].needs, ...(COLLECTORS[name].uses ?? [])]) {
        expect([name, dep, NAMES.indexOf(dep) >= 0 && NAMES.indexOf(dep) < i]).toEqual([name, dep, true]);
      }
    }
  });

  test('every need of every rule is served: by a collector that fills that Facts field, or by the walk', () => {
    const served = new Set(NAMES.flatMap((n) => COLLECTORS[n].wantedBy));
    for (const c of catalog) {
      for (const need of c.rule.needs) {
        const ok = served.has(need) || (WALK_OPTIONS.includes(need) && c.rule.kind === 'commits');
        expect([c.meta.id, need, ok]).toEqual([c.meta.id, need, true]);
      }
    }
  });
});

describe('FactStore', () => {
  let repoPath: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    const r = makeRepo();
    r.write({ 'a.txt': 'a' });
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', 'first']);
    repoPath = r.dir;
    env = r.env;
  });
  const storeFor = async (ids: string[]) =>
    new FactStore({ repository: await discoverRepository(repoPath), env, scope: {} }, ids.map(rule));

  test('a config rule wants the config and the policy at HEAD (its severity overrides), not the walk or the scans', async () => {
    const s = await storeFor(['fsck-objects-enabled']);
    expect(NAMES.filter((n) => s.wants(n))).toEqual(['config', 'history', 'head-policy']);
    const facts = await s.facts();
    expect(facts.config.ok).toBe(true);
    expect(facts.hooks).toEqual({ ok: false, reason: 'not collected' });
    expect(facts.policy).toBeUndefined();
    expect(() => s.get('secrets')).toThrow('fact secrets is not collected in this run');
    await s.close();
  });

  test('hooks read the config they are found through; a per-commit rule opens the one walk', async () => {
    const hooks = await storeFor(['hooks-not-disabled']);
    expect(hooks.wants('config')).toBe(true);
    expect(hooks.wants('walk')).toBe(false);
    const commits = await storeFor(['commit-dates-plausible']);
    expect(commits.wants('walk')).toBe(true);
    const facts = await commits.facts();
    expect(facts.scope.description).toBe('HEAD (refs/heads/main)');
    expect(facts.scope.revisions).toHaveLength(1);
    await commits.close();
  });

  test('each fact is collected once per run, whoever asks for it', async () => {
    const s = await storeFor(catalog.map((c) => c.meta.id));
    const first = s.get('head-policy');
    const facts = await s.facts(); // every collector runs, and reads only the facts it declared
    expect(s.get('head-policy')).toBe(first);
    expect(s.get('history')).toBe(s.get('history'));
    expect(facts.history.ok).toBe(true);
    expect(facts.policy).toEqual({ ok: true, value: undefined });
    expect(facts.secrets?.ok).toBe(true);
    expect(facts.forge?.ok).toBe(false); // without --forge nothing is read from the network
    await s.close();
  });
});
