// Shared by the incremental re-audit tests (test/cli/incremental*.test.ts): a governed history signed
// by alice, an audit through main(argv, io), and what must not differ from a full walk.
import { join } from 'node:path';
import { makeRepo, tempDir, type TestRepo } from './repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from './ssh.js';
import { parseJson, runMain, type JsonReport } from './cli.js';

let aliceKey: SshTestKey | undefined;
/** alice's signing key, made once per test file (in a temp folder that cleanupTemp removes). */
export function alice(): SshTestKey {
  aliceKey ??= makeSshKey(tempDir('gg-incremental-'), 'ed25519', 'alice');
  return aliceKey;
}

export interface Walk {
  incremental: boolean;
  walked: number;
  fromCheckpoint: number;
  checkpointAt?: string;
  reason?: string;
}
export type Report = JsonReport & { walk?: Walk };

export const POLICY = 'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\nmaintainers: [alice]\n';

export async function audit(
  r: TestRepo,
  ...extra: string[]
): Promise<{ code: number; report: Report; stderr: string }> {
  const res = await runMain(['audit', r.dir, '--format', 'json', '--no-ledger', ...extra], { env: r.env });
  return { code: res.code, report: parseJson<Report>(res), stderr: res.stderr };
}

/** What must not differ between an incremental and a full walk of the same history. */
export function verdicts(report: Report): unknown {
  return {
    exitCode: report.exitCode,
    scope: report.scope,
    results: report.results.map((x) => ({
      id: x.meta.id,
      outcome: x.outcome,
      severity: x.severity,
      count: x.findingCount,
      note: x.note,
      findings: x.findings.map((f) => [f.commit ?? '', f.message]),
    })),
  };
}

export const work = (r: TestRepo, n: number, label: string): void => {
  for (let i = 0; i < n; i += 1) {
    r.write({ [`${label}-${i}.txt`]: `${label} ${i}\n` });
    r.run(['add', '-A']);
    signedCommit(r, alice(), `${label} ${i}`, { committerEmail: 'alice@example.com' });
  }
};

/** A governed history: alice's policy, her signed work, and one unsigned commit (an old failure). */
export function governed(): { r: TestRepo; unsigned: string } {
  const r = makeRepo();
  r.write({ '.gitguard/policy.yml': POLICY, '.gitguard/allowed_signers': `alice@example.com ${alice().pub}\n` });
  r.run(['add', '-A']);
  signedCommit(r, alice(), 'policy', { committerEmail: 'alice@example.com' });
  work(r, 3, 'early');
  r.write({ 'unsigned.txt': 'no signature\n' });
  r.run(['add', '-A']);
  const unsigned = signedCommit(r, undefined, 'an unsigned commit', { committerEmail: 'alice@example.com' });
  work(r, 3, 'late');
  return { r, unsigned };
}

export const checkpoint = (r: TestRepo): string => join(r.dir, '.git', 'gitguard', 'checkpoint.json');
