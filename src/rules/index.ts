// The registry: every rule, sorted by id, as data: what kind of rule it is and the facts it needs
// (what a run selects and collects by), and how to load its module. A module is imported only when
// its rule runs: a push hook judges 11 rules, and importing all 57 cost each hook process ~50 ms of
// CPU. rules/<id>.json holds each one's metadata; the catalog and test/meta keep the three lists (the
// registry, the metadata and the modules' own id, kind and needs) the same.
import type { FactName, Rule } from '../domain/model.js';

export interface RuleEntry {
  id: string;
  kind: Rule['kind'];
  needs: readonly FactName[];
  load: () => Promise<{ default: Rule }>;
}

export const registry: readonly RuleEntry[] = [
  {
    id: 'alternates-inside-repository',
    kind: 'repo',
    needs: ['history'],
    load: () => import('./alternates-inside-repository.js'),
  },
  {
    id: 'ci-gate-kept',
    kind: 'commits',
    needs: ['history', 'signatures', 'protected-paths', 'config'],
    load: () => import('./ci-gate-kept.js'),
  },
  { id: 'client-data-fresh', kind: 'repo', needs: ['client'], load: () => import('./client-data-fresh.js') },
  {
    id: 'client-min-versions',
    kind: 'repo',
    needs: ['client', 'history', 'policy', 'policy-vetted'],
    load: () => import('./client-min-versions.js'),
  },
  {
    id: 'commit-dates-plausible',
    kind: 'commits',
    needs: ['history'],
    load: () => import('./commit-dates-plausible.js'),
  },
  {
    id: 'commit-graph-matches-objects',
    kind: 'repo',
    needs: ['commit-graph'],
    load: () => import('./commit-graph-matches-objects.js'),
  },
  {
    id: 'commits-signed',
    kind: 'commits',
    needs: ['history', 'policy', 'signatures'],
    load: () => import('./commits-signed.js'),
  },
  {
    id: 'credentials-not-stored-in-plaintext',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./credentials-not-stored-in-plaintext.js'),
  },
  {
    id: 'forge-admins-cannot-bypass',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-admins-cannot-bypass.js'),
  },
  {
    id: 'forge-code-owner-reviews-required',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-code-owner-reviews-required.js'),
  },
  {
    id: 'forge-deletions-blocked',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-deletions-blocked.js'),
  },
  {
    id: 'forge-force-pushes-blocked',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-force-pushes-blocked.js'),
  },
  {
    id: 'forge-reviews-required',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-reviews-required.js'),
  },
  {
    id: 'forge-signed-commits-required',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-signed-commits-required.js'),
  },
  {
    id: 'forge-status-checks-required',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-status-checks-required.js'),
  },
  {
    id: 'forge-tags-protected',
    kind: 'repo',
    needs: ['history', 'forge'],
    load: () => import('./forge-tags-protected.js'),
  },
  { id: 'fsck-objects-enabled', kind: 'repo', needs: ['config'], load: () => import('./fsck-objects-enabled.js') },
  { id: 'git-client-patched', kind: 'repo', needs: ['client'], load: () => import('./git-client-patched.js') },
  { id: 'git-lfs-client-patched', kind: 'repo', needs: ['client'], load: () => import('./git-lfs-client-patched.js') },
  { id: 'gitguard-hook-installed', kind: 'repo', needs: ['hooks'], load: () => import('./gitguard-hook-installed.js') },
  { id: 'gpg-client-patched', kind: 'repo', needs: ['client'], load: () => import('./gpg-client-patched.js') },
  { id: 'grafts-absent', kind: 'repo', needs: ['history'], load: () => import('./grafts-absent.js') },
  { id: 'history-complete', kind: 'repo', needs: ['history'], load: () => import('./history-complete.js') },
  {
    id: 'hooks-not-disabled',
    kind: 'repo',
    needs: ['config', 'hooks', 'worktree-config'],
    load: () => import('./hooks-not-disabled.js'),
  },
  {
    id: 'mergetags-valid',
    kind: 'commits',
    needs: ['history', 'signatures'],
    load: () => import('./mergetags-valid.js'),
  },
  {
    id: 'no-code-execution-in-local-config',
    kind: 'repo',
    needs: ['config', 'worktree-config'],
    load: () => import('./no-code-execution-in-local-config.js'),
  },
  {
    id: 'ntfs-hfs-protection-enabled',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./ntfs-hfs-protection-enabled.js'),
  },
  {
    id: 'object-checks-not-weakened',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./object-checks-not-weakened.js'),
  },
  { id: 'objects-intact', kind: 'commits', needs: ['history'], load: () => import('./objects-intact.js') },
  {
    id: 'packed-refs-match-objects',
    kind: 'repo',
    needs: ['history'],
    load: () => import('./packed-refs-match-objects.js'),
  },
  {
    id: 'policy-changes-authorized',
    kind: 'commits',
    needs: ['history', 'signatures'],
    load: () => import('./policy-changes-authorized.js'),
  },
  {
    id: 'protected-paths-changed-by-maintainers',
    kind: 'commits',
    needs: ['history', 'signatures', 'protected-paths', 'config'],
    load: () => import('./protected-paths-changed-by-maintainers.js'),
  },
  {
    id: 'protected-refs-not-rewritten',
    kind: 'repo',
    needs: ['history', 'ledger'],
    load: () => import('./protected-refs-not-rewritten.js'),
  },
  {
    id: 'protected-refs-present',
    kind: 'repo',
    needs: ['history', 'ledger'],
    load: () => import('./protected-refs-present.js'),
  },
  { id: 'protocols-restricted', kind: 'repo', needs: ['config'], load: () => import('./protocols-restricted.js') },
  {
    id: 'reflog-no-forced-updates',
    kind: 'repo',
    needs: ['history', 'ledger'],
    load: () => import('./reflog-no-forced-updates.js'),
  },
  {
    id: 'remote-urls-without-credentials',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./remote-urls-without-credentials.js'),
  },
  {
    id: 'remotes-use-secure-transport',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./remotes-use-secure-transport.js'),
  },
  {
    id: 'replace-refs-absent',
    kind: 'repo',
    needs: ['history', 'config'],
    load: () => import('./replace-refs-absent.js'),
  },
  {
    id: 'safe-directory-not-wildcard',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./safe-directory-not-wildcard.js'),
  },
  {
    id: 'secrets-not-in-history',
    kind: 'repo',
    needs: ['history', 'policy', 'secrets', 'signatures'],
    load: () => import('./secrets-not-in-history.js'),
  },
  {
    id: 'security-policy-present',
    kind: 'repo',
    needs: ['history', 'security-policy'],
    load: () => import('./security-policy-present.js'),
  },
  {
    id: 'server-hook-installed',
    kind: 'repo',
    needs: ['hooks', 'config'],
    load: () => import('./server-hook-installed.js'),
  },
  {
    id: 'server-receive-hardened',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./server-receive-hardened.js'),
  },
  {
    id: 'server-trust-not-widened',
    kind: 'repo',
    needs: ['config', 'worktree-config'],
    load: () => import('./server-trust-not-widened.js'),
  },
  {
    id: 'signature-algorithms-strong',
    kind: 'commits',
    needs: ['signatures', 'tags', 'policy'],
    load: () => import('./signature-algorithms-strong.js'),
  },
  {
    id: 'signatures-valid',
    kind: 'commits',
    needs: ['history', 'signatures'],
    load: () => import('./signatures-valid.js'),
  },
  {
    id: 'signer-matches-committer',
    kind: 'commits',
    needs: ['history', 'signatures'],
    load: () => import('./signer-matches-committer.js'),
  },
  {
    id: 'signers-authorized',
    kind: 'commits',
    needs: ['history', 'signatures', 'policy'],
    load: () => import('./signers-authorized.js'),
  },
  {
    id: 'signers-not-retired',
    kind: 'commits',
    needs: ['history', 'signatures'],
    load: () => import('./signers-not-retired.js'),
  },
  {
    id: 'signing-enabled-when-required',
    kind: 'repo',
    needs: ['config', 'history', 'policy', 'policy-vetted'],
    load: () => import('./signing-enabled-when-required.js'),
  },
  {
    id: 'signing-keys-valid',
    kind: 'commits',
    needs: ['history', 'signatures'],
    load: () => import('./signing-keys-valid.js'),
  },
  {
    id: 'signing-programs-not-overridden-locally',
    kind: 'repo',
    needs: ['config', 'worktree-config'],
    load: () => import('./signing-programs-not-overridden-locally.js'),
  },
  { id: 'ssh-client-patched', kind: 'repo', needs: ['client'], load: () => import('./ssh-client-patched.js') },
  {
    id: 'submodule-recursion-safe',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./submodule-recursion-safe.js'),
  },
  {
    id: 'tags-not-moved',
    kind: 'repo',
    needs: ['history', 'ledger', 'tags'],
    load: () => import('./tags-not-moved.js'),
  },
  { id: 'tags-signed', kind: 'repo', needs: ['history', 'tags', 'signatures'], load: () => import('./tags-signed.js') },
  {
    id: 'tls-verification-enabled',
    kind: 'repo',
    needs: ['config'],
    load: () => import('./tls-verification-enabled.js'),
  },
  {
    id: 'trust-root-in-history',
    kind: 'repo',
    needs: ['history', 'ledger'],
    load: () => import('./trust-root-in-history.js'),
  },
  { id: 'url-rewrites-keep-tls', kind: 'repo', needs: ['config'], load: () => import('./url-rewrites-keep-tls.js') },
];
