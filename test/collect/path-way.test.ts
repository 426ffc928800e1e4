// The one walk down a path's way (domain/path-way.ts) serves two readers over the same trees, each
// keeping its rule: a restore of GitHub's actions (domain/restore-links.ts restoreLeaves: any entry
// already on the way, a file or the path itself, makes it reach anywhere) and a script's write
// (collect/written-reach.ts throughLink: only a link or submodule on the way does, names case-folded
// as a macOS or Windows runner's file system folds them).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { ObjectReader } from '../../src/collect/objects.js';
import { readCiObject } from '../../src/collect/derived-paths.js';
import { fileAt } from '../../src/collect/earlier-files.js';
import { throughLink } from '../../src/collect/written-reach.js';
import { restoreLeaves } from '../../src/domain/restore-links.js';
import type { Checkout, FileAt } from '../../src/domain/shell-state.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';

afterAll(() => cleanupTemp());

// One tree: a file, a folder with a file, a link `dist` to node_modules/.bin, a submodule, and two
// folders whose names a case-folding file system takes for one.
const SCRIPT = `set -e
b=$(printf 'x\\n' | git hash-object -w --stdin)
l=$(printf 'node_modules/.bin' | git hash-object -w --stdin)
git update-index --add --cacheinfo 100644,$b,a.txt
git update-index --add --cacheinfo 100644,$b,lib/x.js
git update-index --add --cacheinfo 120000,$l,dist
git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,mod
git update-index --add --cacheinfo 100755,$b,ci/gate.sh
git update-index --add --cacheinfo 100755,$b,CI/gate.sh
git write-tree`;

// path: [restoreLeaves, throughLink]
const CASES: Array<[string, boolean, boolean]> = [
  ['dist', true, true], // the link itself
  ['dist/cache', true, true], // through the link
  ['lib', true, false], // a folder already there: a restore's target exists, a write lands in place
  ['lib/x.js', true, false], // a file already there
  ['lib/new/deep', false, false], // a new folder below a folder
  ['a.txt/y', true, false], // a file on the way: a restore reaches anywhere, a write makes nothing
  ['new/deep', false, false], // nothing there
  // A submodule whose commit is not here: a restore reads it as absent (an empty folder on a runner that
  // fetches no submodules); a write through it reaches another repository's files.
  ['mod/x', false, true],
  ['ci/gate.sh', true, true], // `CI` and `ci`: which a folding file system writes is not told
  ['LIB/X.JS', false, false], // folded to lib/x.js for a write; not there for a restore (names as written)
];

test('a restore and a write judge the same ways each by its rule', async () => {
  const r = makeRepo();
  const tip = execFileSync('sh', ['-c', SCRIPT], { cwd: r.dir, env: r.env, encoding: 'utf8' }).trim();
  const shadow = createShadow(join(r.dir, '.git'), 'sha1');
  const reader = new ObjectReader(shadow);
  const read = (spec: string) => readCiObject(reader, spec, true);
  try {
    const got: Array<[string, boolean, boolean]> = [];
    for (const [path] of CASES) {
      // The Checkout answers as earlier-files.ts does: each path read at the tip, asked again once read.
      const files = new Map<string, FileAt>();
      const asked = new Set<string>();
      const co: Checkout = {
        read: (p) => (files.has(p) ? files.get(p) : void asked.add(p)),
        leads: () => false,
        dir: '',
        vars: new Map(),
        files: 0,
      };
      expect(restoreLeaves(path, co)).toBe(false);
      for (const p of asked) files.set(p, await fileAt(read, `${tip}:${p}`));
      got.push([path, restoreLeaves(path, co), await throughLink(read, tip, path.normalize('NFC').toLowerCase())]);
    }
    expect(got).toEqual(CASES);
  } finally {
    reader.close();
    shadow.dispose();
  }
});
