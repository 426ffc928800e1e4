// Red-team attacks on what gitguard prints, end to end through main(): config written by a hostile
// repository owner must neither stall the report nor leak a secret into any format.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { hasStackTrace, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;

describe('config values that attack the redaction of URLs', () => {
  test('a password holding "@" is hidden whole in every format', async () => {
    const r = makeRepo();
    r.commit('x');
    r.run(['config', 'remote.origin.url', 'https://u:p@LEAKED1@example.com/x.git']);
    r.run(['config', 'remote.other.url', 'https://user@x:LEAKED2@example.com/x.git']);
    for (const format of FORMATS) {
      const res = await runMain(['audit', r.dir, '-t', 'protections', '-v', '--format', format], { env: r.env });
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('example.com');
      expect(res.stdout + res.stderr).not.toMatch(/LEAKED/);
    }
  });

  test('a 200 kB value in a config finding is reported at once, not after minutes of backtracking', async () => {
    const r = makeRepo();
    r.commit('x');
    appendFileSync(join(r.dir, '.git', 'config'), `[core]\n\tsshCommand = ${'a'.repeat(200_000)}\n`);
    const res = await runMain(['audit', r.dir, '-t', 'protections', '--format', 'json'], { env: r.env });
    expect(res.code).toBe(1);
    expect(hasStackTrace(res)).toBe(false);
    expect(res.stdout).toContain('core.sshcommand');
  });
});
