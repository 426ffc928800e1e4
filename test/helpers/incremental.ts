// Shared by the incremental re-audit tests (test/cli/incremental*.test.ts): a governed history signed
// by alice, an audit through main(argv, io), and what must not differ from a full walk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, makeRepo, tempDir, type TestRepo } from './repo.js';
import { makeSshKey, sshCommit, type SshTestKey } from './ssh.js';
import { commitSeries } from './commit-series.js';
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

/** `n` commits of alice's, each adding `<label>-<i>.txt`, made by one shell (commitSeries). */
export const work = (r: TestRepo, n: number, label: string): void => {
  commitSeries(
    r,
    Array.from({ length: n }, (_, i) => ({
      ...sshCommit(alice(), `${label} ${i}`, { committerEmail: 'alice@example.com' }),
      files: { [`${label}-${i}.txt`]: `${label} ${i}\n` },
    })),
  );
};

let template: { r: TestRepo; unsigned: string } | undefined;

/**
 * A governed history: alice's policy, her signed work, and one unsigned commit (an old failure).
 * Made once per test file and copied for each caller (copyRepo): every test gets its own.
 */
export function governed(): { r: TestRepo; unsigned: string } {
  if (!template || !existsSync(template.r.dir)) {
    const r = makeRepo();
    // In order: each sshCommit takes the next date.
    const mine = (message: string, files: Record<string, string>, signed = true) => ({
      ...sshCommit(signed ? alice() : undefined, message, { committerEmail: 'alice@example.com' }),
      files,
    });
    const series = [
      mine('policy', {
        '.gitguard/policy.yml': POLICY,
        '.gitguard/allowed_signers': `alice@example.com ${alice().pub}\n`,
      }),
    ];
    for (let i = 0; i < 3; i += 1) series.push(mine(`early ${i}`, { [`early-${i}.txt`]: `early ${i}\n` }));
    series.push(mine('an unsigned commit', { 'unsigned.txt': 'no signature\n' }, false));
    for (let i = 0; i < 3; i += 1) series.push(mine(`late ${i}`, { [`late-${i}.txt`]: `late ${i}\n` }));
    const ids = commitSeries(r, series);
    template = { r, unsigned: ids[4]! };
  }
  return { r: copyRepo(template.r), unsigned: template.unsigned };
}

export const checkpoint = (r: TestRepo): string => join(r.dir, '.git', 'gitguard', 'checkpoint.json');
