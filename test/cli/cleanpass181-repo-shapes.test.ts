// cleanpass181: honest repositories shaped as real projects are, made by one bash script with real git
// and ssh-keygen, must pass every rule but the client ones (which judge this machine's programs):
// merges (--no-ff, octopus) signed with ed25519, ECDSA and RSA-4096 keys, an sk key listed but unused,
// tags (lightweight, SSH-signed, merged with --no-ff), Git LFS pointers without git-lfs, a sparse
// checkout, a linked worktree, the bare-repository-and-worktrees layout, CRLF, ISO-8859-1 and very
// long messages, an empty message, a policy saved with CRLF, a default branch named trunk, a detached
// HEAD, SHA-256, and GitHub's test merge checked out as in a pull_request run. The twins that still
// lose: that test merge outside such a run is an unsigned commit, and a shallow clone whose policy
// commit lies on the boundary stops with one clear line, and so does a blobless sparse clone whose cone
// leaves .gitguard/ out, its next step naming the folder to add (after which it passes).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasStackTrace, parseJson, runMain } from '../helpers/cli.js';
import { cleanupTemp, pinnedEnv, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

const SCRIPT = String.raw`
set -e
export HOME="$1/home" GIT_EDITOR=true GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$1/home/.gitconfig"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
T="$1"; R="$1/r"; mkdir -p "$HOME/.ssh" "$R"; cd "$HOME"
for k in alice:ed25519 carol:ecdsa dave:rsa; do n=$(echo $k | cut -d: -f1); t=$(echo $k | cut -d: -f2)
  if [ $t = rsa ]; then b="-b 4096"; else b=; fi
  ssh-keygen -q -t $t $b -N '' -C $n@example.com -f .ssh/$n
  echo "$n@example.com $(cut -d' ' -f1-2 .ssh/$n.pub)" >> "$1/allowed_signers"; done
echo "eve@example.com sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIJjzc2a20RjCvN/0ibH6UpGuN9F9hDvD7x182bOesNhHAAAABHNzaDo=" >> "$1/allowed_signers"
git config --global user.name Alice; git config --global user.email alice@example.com
git config --global user.signingkey "$HOME/.ssh/alice.pub"; git config --global gpg.format ssh
git config --global gpg.ssh.allowedSignersFile "$1/allowed_signers"
git config --global commit.gpgsign true; git config --global tag.gpgsign true; git config --global init.defaultBranch main
as() { n=$1; N=$2; shift 2; git -c user.signingkey="$HOME/.ssh/$n.pub" -c user.name=$N -c user.email=$n@example.com "$@"; }
base() {
  git init -q $2 "$R/$1"; cd "$R/$1"; mkdir -p .gitguard; cp "$T/allowed_signers" .gitguard/
  printf 'version: 1\nsigners:\n' > .gitguard/policy.yml
  for n in Alice Carol Dave Eve; do l=$(echo $n | tr A-Z a-z); printf '  - name: %s\n    emails: [%s@example.com]\n' $n $l >> .gitguard/policy.yml; done
  printf 'maintainers: [Alice]\n' >> .gitguard/policy.yml
  echo '# Security' > SECURITY.md; echo hello > README.md; git add -A; git commit -q -m 'Add trust policy'
  echo code > a.txt; git add a.txt; git commit -q -m 'Add a'
}
base merges; git checkout -q -b f1; as carol Carol commit -q --allow-empty -m carol; git checkout -q -b f2 main
as dave Dave commit -q --allow-empty -m dave; git checkout -q -b f3 main; as carol Carol commit -q --allow-empty -m carol2
git checkout -q main; git merge -q --no-ff f1 -m 'Merge f1'; git merge -q --no-ff f2 f3 -m 'Octopus' >/dev/null
base tags; git -c tag.gpgsign=false tag light; git tag -s -m v1 v1.0; as carol Carol tag -s -m v1.1 v1.1
git checkout -q -b rel; as dave Dave commit -q --allow-empty -m rel; as dave Dave tag -s -m rel v2.0; git checkout -q main
git commit -q --allow-empty -m more; git merge -q --no-ff v2.0 -m 'Merge tag v2.0'
base lfs; printf '*.bin filter=lfs diff=lfs merge=lfs -text\n' > .gitattributes
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%064d\nsize 12345\n' 7 > big.bin; git add -A; git commit -q -m 'Add LFS file'
mkdir -p src docs; echo x > src/x; echo y > docs/y; git add -A; git commit -q -m dirs; git sparse-checkout set src
base text; printf 'l1\r\nl2\r\n' > crlf.txt; git add crlf.txt; git commit -q -m "$(printf 'CRLF\r\n\r\nbody\r\n')"
printf 'caf\351 latin1\n' > "$T/msg"; git -c i18n.commitEncoding=ISO-8859-1 commit -q --allow-empty -F "$T/msg"
awk 'BEGIN { printf "Long "; for (i = 0; i < 300; i++) printf "x"; print "\n"; for (i = 0; i < 4000; i++) print "word word word word word word word word" }' > "$T/long"
git commit -q --allow-empty -F "$T/long"; git commit -q --allow-empty --allow-empty-message -m ''
git worktree add -q "$R/linked" -b side; (cd "$R/linked" && git commit -q --allow-empty -m 'in worktree')
base crlfpol; sed -i 's/$/\r/' .gitguard/policy.yml .gitguard/allowed_signers; git add -A; git commit -q -m 'policy saved on Windows'
as carol Carol commit -q --allow-empty -m carol; git branch -m trunk; git checkout -q --detach HEAD~1
base sha256 --object-format=sha256; git tag -s -m t v1
mkdir "$R/proj"; git clone -q --bare "$R/merges" "$R/proj/.bare"; echo 'gitdir: ./.bare' > "$R/proj/.git"
(cd "$R/proj" && git worktree add -q wt main)
git clone -q --depth 1 "file://$R/merges" "$R/shallow"
git -C "$R/merges" config uploadpack.allowFilter true
git clone -q --filter=blob:none --sparse "file://$R/merges" "$R/sparse"
base pr; git checkout -q -b pr; as carol Carol commit -q --allow-empty -m 'pr work'; git checkout -q main
git commit -q --allow-empty -m 'main more'; git checkout -q --detach main
git -c commit.gpgsign=false -c user.name=GitHub -c user.email=noreply@github.com merge -q --no-ff pr -m "Merge $(git rev-parse pr) into $(git rev-parse main)"
git update-ref refs/remotes/pull/1/merge HEAD
`;

const ONLY = ['-t', 'impersonation,history,protections', '--no-ledger', '--format', 'json'];
let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  root = tempDir('gitguard-cp181-');
  env = { ...pinnedEnv(join(root, 'home')), GIT_CONFIG_NOSYSTEM: '1', TZ: 'UTC' };
  writeFileSync(join(root, 'make.sh'), SCRIPT);
  execFileSync('bash', [join(root, 'make.sh'), root], { env, stdio: ['ignore', 'ignore', 'pipe'] });
}, 120_000);

const failing = (stdout: string): string[] =>
  parseJson({ code: 0, stdout, stderr: '', stdoutBytes: Buffer.from(stdout) })
    .results.filter((r) => r.outcome === 'fail' || r.outcome === 'error')
    .map((r) => r.meta.id);

describe('honest repository shapes pass', () => {
  it.each(['merges', 'tags', 'lfs', 'text', 'linked', 'crlfpol', 'sha256', 'proj', 'proj/wt'])('%s', async (name) => {
    const r = await runMain(['audit', ...ONLY], { cwd: join(root, 'r', name), env });
    expect(failing(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("GitHub's test merge in a pull_request run is judged by its parents; outside one it is an unsigned commit", async () => {
    const cwd = join(root, 'r', 'pr');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, env }).toString().trim();
    const ci = {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/1/merge',
      GITHUB_SHA: head,
    };
    const inRun = await runMain(['audit', ...ONLY], { cwd, env: { ...env, ...ci } });
    expect(failing(inRun.stdout)).toEqual([]);
    const outside = await runMain(['audit', ...ONLY], { cwd, env });
    expect(failing(outside.stdout)).toEqual(['commits-signed']);
  });

  it('a blobless sparse clone whose cone leaves .gitguard/ out says how to add it, and passes once added', async () => {
    const cwd = join(root, 'r', 'sparse');
    const before = await runMain(['audit', ...ONLY], { cwd, env });
    expect(before.code).toBe(2);
    expect(before.stderr.trim().split('\n')).toHaveLength(1);
    expect(before.stderr).toContain('git sparse-checkout add .gitguard');
    execFileSync('git', ['sparse-checkout', 'add', '.gitguard'], { cwd, env, stdio: 'ignore' });
    const after = await runMain(['audit', ...ONLY], { cwd, env });
    expect(failing(after.stdout)).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('a shallow clone whose policy commit is on the boundary stops with one clear line', async () => {
    const r = await runMain(['audit', ...ONLY], { cwd: join(root, 'r', 'shallow'), env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/shallow boundary.*git fetch --unshallow/);
    expect(hasStackTrace(r)).toBe(false);
  });
});
