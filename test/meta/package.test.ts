// The npm package: what `npm pack` puts in the tarball (run with --ignore-scripts, so the test neither
// cleans nor rebuilds the dist/ other tests are using), and the project files a published package needs.
// The full install from the tarball on a clean prefix is scripts/pack-smoke.mjs (needs the registry).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

interface PackedFile {
  path: string;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  license: string;
  files: string[];
};
let files: string[];

beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  files = (JSON.parse(out) as Array<{ files: PackedFile[] }>)[0]!.files.map((f) => f.path).sort();
}, 60_000);

describe('npm pack', () => {
  test('ships the binary, the built CLI, every rules/*.json, the docs, README and LICENSE', () => {
    const rules = readdirSync(join(ROOT, 'rules'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `rules/${f}`);
    expect(rules.length).toBeGreaterThan(40);
    const expected = [
      'package.json',
      'README.md',
      'LICENSE',
      'docs/policy.md',
      'dist/cli/main.js',
      ...Object.values(pkg.bin).map((b) => b.replace(/^\.\//, '')),
      ...rules,
    ];
    expect(expected.filter((f) => !files.includes(f))).toEqual([]);
  });

  test('ships no tests, sources, source maps, scripts or project tooling', () => {
    expect(
      files.filter(
        (f) =>
          /^(test|src|scripts|node_modules|coverage|\.ci|\.depcruise)\//.test(f) ||
          f.endsWith('.map') ||
          f.endsWith('.ts'),
      ),
    ).toEqual([]);
    expect(files.filter((f) => !/^(bin|dist|docs|rules)\//.test(f)).sort()).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
    ]);
  });

  test('the binary is a node script that loads the built CLI', () => {
    const bin = readFileSync(join(ROOT, pkg.bin.gitguard!), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bin).toContain("from '../dist/cli/main.js'");
  });
});

describe('project files', () => {
  test('LICENSE is the MIT licence package.json names, for the gitguard contributors', () => {
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toMatch(/^Copyright \(c\) \d{4} gitguard contributors$/m);
  });

  test('action.yml pins every third-party action by full commit id, with its tag in a comment', () => {
    const uses = [...readFileSync(join(ROOT, 'action.yml'), 'utf8').matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map(
      (m) => [m[1]!, m[2]!.trim()],
    );
    expect(uses.length).toBeGreaterThan(0);
    expect(
      uses.filter(
        ([ref, comment]) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref!) || !/^# v\d+(\.\d+)*$/.test(comment!),
      ),
    ).toEqual([]);
  });
});
