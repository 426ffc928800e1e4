// Red team 52: the walk checkpoint's format bumps (v6 → v7: a v6 state may hold a finding for a
// commit signed by a key whose user ID is not UTF-8, or lack a token the scan missed) were never
// tested against a checkpoint of the older format sealed with the same per-user secret, as an
// upgraded gitguard finds it. Such a checkpoint, one whose body names another version under the
// current seal, and one cut short (a full disk, a killed write) each walk everything and give a full
// walk's verdicts; the current one resumes.
import { readFileSync, writeFileSync } from 'node:fs';
import { cleanupTemp } from '../helpers/repo.js';
import { resultOf } from '../helpers/cli.js';
import { audit, checkpoint, governed, verdicts } from '../helpers/incremental.js';
import { CHECKPOINT_VERSION } from '../../src/collect/checkpoint.js';
import { openSealed, sealState, userSecret } from '../../src/collect/state-secret.js';

afterAll(cleanupTemp);

const OLDER = 'gitguard-checkpoint-v6';

/** The checkpoint's body, with its recorded verdicts changed to pass (what an older format may wrongly hold). */
function body(file: string, secret: Buffer): string {
  const opened = openSealed(secret, CHECKPOINT_VERSION, readFileSync(file, 'utf8'));
  expect(opened).toBeDefined();
  const cp = JSON.parse(opened!) as { version: string; rules: Record<string, string> };
  expect(cp.version).toBe(CHECKPOINT_VERSION);
  expect(cp.rules['commits-signed']).toContain('"count":1');
  cp.rules['commits-signed'] = cp.rules['commits-signed']!.replace('"count":1', '"count":0');
  return JSON.stringify(cp);
}

describe.each([
  ['sealed by an older gitguard (v6) with the same secret', 'does not authenticate', true, true],
  ["naming v6 in its body under the current version's seal", 'of another version', true, false],
  ['cut short', 'does not authenticate', false, false],
])('a checkpoint %s', (_, reason, reseal, olderSeal) => {
  test('is not resumed: everything is walked, with a full walk’s verdicts', async () => {
    const { r } = governed();
    const full = await audit(r);
    expect(resultOf(full.report, 'commits-signed').findingCount).toBe(1);
    const resumed = await audit(r);
    expect(resumed.report.walk).toMatchObject({ incremental: true, walked: 0 });
    expect(verdicts(resumed.report)).toEqual(verdicts(full.report));
    const secret = userSecret(r.env)!;
    const file = checkpoint(r);
    if (reseal) {
      const text = body(file, secret).replace(`"version":"${CHECKPOINT_VERSION}"`, `"version":"${OLDER}"`);
      writeFileSync(file, sealState(secret, olderSeal ? OLDER : CHECKPOINT_VERSION, text));
    } else {
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    }
    const after = await audit(r);
    expect(after.report.walk).toMatchObject({ incremental: false, walked: 8 });
    expect(after.report.walk?.reason).toContain(reason);
    expect(verdicts(after.report)).toEqual(verdicts(full.report));
    // And the run wrote a current checkpoint again, which the next one resumes.
    expect((await audit(r)).report.walk).toMatchObject({ incremental: true, walked: 0 });
  });
});
