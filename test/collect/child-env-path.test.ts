// absolutePath (collect/child-env.ts) keeps its answer for a run while PATH and the run's audited
// folders stay the same: a folder noted after the first git ran must still leave PATH from then on.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { absolutePath } from '../../src/collect/child-env.js';
import { noteAuditedFolders } from '../../src/collect/audited-folders.js';
import { inRun } from '../../src/collect/run-context.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

test('a PATH entry inside a folder noted later in the run is dropped from then on; the same PATH twice gives the same answer', () => {
  const repo = tempDir();
  const bin = join(repo, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  const path = `${bin}:/usr/bin:/bin`;
  inRun({ auditedFolders: new Set() }, () => {
    expect(absolutePath(path)).toBe(path);
    expect(absolutePath(path)).toBe(path);
    noteAuditedFolders([repo]);
    expect(absolutePath(path)).toBe('/usr/bin:/bin');
    expect(absolutePath(`/bin:${bin}`)).toBe('/bin');
  });
  // Another run, its own folders: nothing noted yet, so nothing dropped.
  inRun({ auditedFolders: new Set() }, () => expect(absolutePath(path)).toBe(path));
});
