// Keeps the README's development map true: every module of src/ is named in it (a rule module by the
// `src/rules/<id>.ts` line, a command by `commands/<verb>.ts`), and every `.ts` file it names exists.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { RULES_DIR } from '../../src/engine/catalog.js';

const root = join(RULES_DIR, '..');

function devMap(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Development\n')[1] ?? '';
  return /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
}

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const ruleIds = new Set(readdirSync(RULES_DIR).map((f) => f.replace(/\.json$/, '')));
const covered = (rel: string): boolean =>
  (/^rules\/[^/]+\.ts$/.test(rel) && ruleIds.has(basename(rel, '.ts'))) || /^cli\/commands\/[^/]+\.ts$/.test(rel);

describe("README's development map", () => {
  const map = devMap();

  test('is found', () => {
    expect(map).toMatch(/^src\/errors\.ts/m);
  });

  test('names every module of src/', () => {
    const src = join(root, 'src');
    const unnamed = modules(src)
      .map((f) => relative(src, f))
      .filter((rel) => !covered(rel))
      .filter((rel) => !new RegExp(`(^|[^\\w-])${basename(rel, '.ts')}(\\.ts|[^\\w.-]|$)`, 'm').test(map));
    expect(unnamed).toEqual([]);
  });

  test('names no .ts module that does not exist', () => {
    const names = new Set([...modules(join(root, 'src')), ...modules(join(root, 'test'))].map((f) => basename(f)));
    const missing = [...map.matchAll(/([\w.-]+)\.ts\b/g)].map((m) => `${m[1]}.ts`).filter((n) => !names.has(n));
    expect(missing).toEqual([]);
  });
});
