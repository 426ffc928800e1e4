// cleanpass193: honest histories shaped as real projects' are pass every repository rule
// (impersonation, history, protections; `--all` where refs beyond HEAD matter), each made with real
// git, ssh-keygen and gpg after README's set-up: a Subversion conversion adopted with `gitguard init`
// (unsigned history and svn2git's annotated tags before the root), squash and rebase merges and
// web-editor commits signed by a stand-in for GitHub's web-flow key under `forges:`, Dependabot's
// commits merged with the merge button, a release branch with `cherry-pick -x` and SSH-signed tags,
// a submodule and LFS pointers, CRLF files with non-ASCII names, authors and messages signed with
// OpenPGP, a 2,000-file initial import, OpenPGP merges and a merge button's merge of a maintainer's
// workflow change, a signing subkey under a certify-only primary with a second user ID, GitHub's
// "Update branch" merge, notes and a stash, GitHub's revert button, a maintainer's key rotation, a
// retired signer; hook managers (husky, pre-commit, lefthook, git-lfs's hooks, gitguard's own),
// Scalar's repository settings and a developer's global config (delta, gh's credential helper, a
// URL rewrite to SSH). Their twins still fail: the conversion's tags without init's goodlist, a
// squash merge changing a workflow, a signer who is no maintainer changing .gitattributes, an
// unsigned tag made after the policy on an old commit, and the forge's key on another committer.
import { cleanupTemp } from '../helpers/repo.js';
import { auditShape, makeShapes, type Shapes } from '../helpers/repo-shapes.js';

afterAll(cleanupTemp);

let shapes: Shapes;
beforeAll(() => {
  shapes = makeShapes(['history', 'history2', 'twins-history', 'configs']);
}, 300_000);

const HONEST = [
  ...['squash', 'rebasemerge', 'dependabot', 'release', 'submodules', 'unicode', 'bigimport', 'merges'],
  ...['svn-init', 'subkey', 'notes', 'revert', 'rotate', 'retired'],
  ...['c-husky', 'c-precommit', 'c-lfs', 'c-scalar', 'c-hook', 'c-lefthook'],
];

describe('honest histories pass', () => {
  it.each(HONEST)('%s', async (name) => {
    expect(await auditShape(shapes, name, ['--all'])).toEqual({ code: 0, failing: [] });
  });
});

describe('twins still fail', () => {
  it.each([
    ['svn', 'tags-signed'],
    ['t-squash-ci', 'protected-paths-changed-by-maintainers'],
    ['t-attr', 'protected-paths-changed-by-maintainers'],
    ['t-oldtag', 'tags-signed'],
    ['t-webflow', 'signers-authorized'],
  ])('%s: %s', async (name, rule) => {
    const r = await auditShape(shapes, name, ['--all']);
    expect(r.code).toBe(1);
    expect(r.failing).toContain(rule);
  });
});
