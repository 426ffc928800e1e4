// Third round of clean set-ups that must pass (see clean-workflows.test.ts and -2 for the first two):
// repositories as they are on disk and as people configure them. Each case here was a false failure
// (a rule failing, or the audit stopping, where a security engineer sees nothing wrong), and each keeps
// a twin that still fails, so the fix cannot have switched the check off.
import { chownSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf, stderrLines } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-clean3-')), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

const signingRepo = (policy = ALICE_POLICY): TestRepo => sshSigningRepo(alice, policy);

const audit = async (r: TestRepo, rules: string[], dir = r.dir, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
};

/** chown -R, for a repository another user owns (only root may give files away). */
const chownTree = (path: string, uid: number, gid: number): void => {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
};
const asRoot = process.getuid?.() === 0 ? test : test.skip;

describe("a repository owned by another user, trusted with git's own safe.directory", () => {
  // git refuses it (dubious ownership) until the user adds it to safe.directory in their global
  // config, which is what gitguard's refusal tells them to do; gitguard ran git without that config,
  // so it refused the repository for ever.
  asRoot(
    'after git config --global --add safe.directory PATH the audit runs; without it, or with it only in the repository, it is refused',
    async () => {
      const r = signingRepo();
      r.commit('work');
      const clone = join(tempDir(), 'shared clone');
      r.run(['clone', '-q', r.dir, clone]);
      chownTree(clone, 65534, 65534);
      const rules = ['commits-signed', 'signers-authorized', 'safe-directory-not-wildcard'];
      const refused = await runMain(['audit', '-C', clone, '--no-cache', '-r', rules.join(',')], { env: r.env });
      expect(refused.code).toBe(2);
      expect(stderrLines(refused)).toEqual([
        `gitguard: git refuses ${clone}: it is owned by another user (safe.directory); if you trust it: git config --global --add safe.directory ${clone}`,
      ]);
      // The repository's own config cannot vouch for itself (git ignores safe.directory there too).
      r.run(['config', '--file', join(clone, '.git', 'config'), 'safe.directory', '*']);
      expect((await runMain(['audit', '-C', clone, '--no-cache', '-r', rules.join(',')], { env: r.env })).code).toBe(2);

      r.run(['config', '--global', '--add', 'safe.directory', clone]);
      const { code, report } = await audit(r, rules, clone);
      expect(rules.map((id) => resultOf(report, id).outcome)).toEqual(['pass', 'pass', 'pass']);
      expect(report.scope.commits).toBe(2);
      expect(code).toBe(0);
      const verify = await runMain(['verify', '-C', clone, '--no-cache'], { env: r.env });
      expect(verify.code).toBe(0);
    },
  );
});
