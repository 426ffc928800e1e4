#!/usr/bin/env node
// Makes a repository with N commits quickly through `git fast-import` (one process), for the
// memory and speed measurements: node scripts/make-history.mjs DIR N [--merges]
// --merges: every third commit merges a one-commit side branch (branch points and two-parent commits
// throughout, for the walks' merge paths).
// --policy: the second commit adds a policy (.gitguard/policy.yml, signatures not required), so the
// default trust root is that commit and the walk lists the history without the first one (the way
// a project that ran `gitguard init` after its first commit is audited), while the secrets scan
// lists all of it.
import { execFileSync, spawn } from 'node:child_process';

const args = process.argv.slice(2);
const merges = args.includes('--merges');
const policy = args.includes('--policy');
const [dir, countText] = args.filter((a) => a !== '--merges' && a !== '--policy');
const count = Number(countText ?? 100000);
if (!dir || !Number.isInteger(count) || count < 1) {
  console.error('usage: node scripts/make-history.mjs DIR N [--merges] [--policy]');
  process.exit(2);
}
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
const fi = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
const start = 1_600_000_000;
const POLICY = 'version: 1\nrequire_signatures: false\n';
let i = 0;
/** The last commit on main (its mark), and the side commit waiting to be merged. */
let mainTip = 0;
let side = 0;
function write() {
  let ok = true;
  while (i < count && ok) {
    const t = start + i * 60;
    const msg = `commit ${i}\n\nA message long enough to look real: ${'x'.repeat(i % 200)}\n`;
    const content = `line ${i}\n`;
    // With --merges: i % 3 == 1 starts a side branch at main's tip, i % 3 == 2 commits on main, and
    // i % 3 == 0 merges the side branch into main.
    const role = !merges || i === 0 ? 'main' : ['merge', 'side', 'main'][i % 3];
    const ref = role === 'side' ? 'refs/heads/side' : 'refs/heads/main';
    const parents = mainTip ? `from :${mainTip}\n${role === 'merge' && side ? `merge :${side}\n` : ''}` : '';
    const policyFile =
      policy && i === 1 ? `M 100644 inline .gitguard/policy.yml\ndata ${Buffer.byteLength(POLICY)}\n${POLICY}\n` : '';
    ok = fi.stdin.write(
      `commit ${ref}\nmark :${i + 1}\nauthor Dev ${i % 50} <dev${i % 50}@example.com> ${t} +0000\ncommitter Dev ${i % 50} <dev${i % 50}@example.com> ${t} +0000\n` +
        `data ${Buffer.byteLength(msg)}\n${msg}${parents}${policyFile}M 100644 inline file${i % 100}.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
    if (role === 'side') side = i + 1;
    else mainTip = i + 1;
    i += 1;
  }
  if (i < count) fi.stdin.once('drain', write);
  else fi.stdin.end();
}
write();
fi.on('close', (code) => process.exit(code ?? 1));
