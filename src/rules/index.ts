// The registry: every rule, sorted by id. rules/<id>.json holds each one's metadata; the catalog
// and test/meta check that the two lists are the same.
import type { Rule } from '../domain/model.js';
import alternatesInsideRepository from './alternates-inside-repository.js';
import ciGateKept from './ci-gate-kept.js';
import clientDataFresh from './client-data-fresh.js';
import clientMinVersions from './client-min-versions.js';
import commitDatesPlausible from './commit-dates-plausible.js';
import commitsSigned from './commits-signed.js';
import credentialsNotStoredInPlaintext from './credentials-not-stored-in-plaintext.js';
import forgeAdminsCannotBypass from './forge-admins-cannot-bypass.js';
import forgeCodeOwnerReviewsRequired from './forge-code-owner-reviews-required.js';
import forgeDeletionsBlocked from './forge-deletions-blocked.js';
import forgeForcePushesBlocked from './forge-force-pushes-blocked.js';
import forgeReviewsRequired from './forge-reviews-required.js';
import forgeSignedCommitsRequired from './forge-signed-commits-required.js';
import forgeStatusChecksRequired from './forge-status-checks-required.js';
import forgeTagsProtected from './forge-tags-protected.js';
import fsckObjectsEnabled from './fsck-objects-enabled.js';
import gitClientPatched from './git-client-patched.js';
import gitLfsClientPatched from './git-lfs-client-patched.js';
import gitguardHookInstalled from './gitguard-hook-installed.js';
import gpgClientPatched from './gpg-client-patched.js';
import graftsAbsent from './grafts-absent.js';
import historyComplete from './history-complete.js';
import hooksNotDisabled from './hooks-not-disabled.js';
import mergetagsValid from './mergetags-valid.js';
import noCodeExecutionInLocalConfig from './no-code-execution-in-local-config.js';
import ntfsHfsProtectionEnabled from './ntfs-hfs-protection-enabled.js';
import objectChecksNotWeakened from './object-checks-not-weakened.js';
import objectsIntact from './objects-intact.js';
import policyChangesAuthorized from './policy-changes-authorized.js';
import protectedPathsChangedByMaintainers from './protected-paths-changed-by-maintainers.js';
import protectedRefsNotRewritten from './protected-refs-not-rewritten.js';
import protectedRefsPresent from './protected-refs-present.js';
import protocolsRestricted from './protocols-restricted.js';
import reflogNoForcedUpdates from './reflog-no-forced-updates.js';
import remoteUrlsWithoutCredentials from './remote-urls-without-credentials.js';
import remotesUseSecureTransport from './remotes-use-secure-transport.js';
import replaceRefsAbsent from './replace-refs-absent.js';
import safeDirectoryNotWildcard from './safe-directory-not-wildcard.js';
import secretsNotInHistory from './secrets-not-in-history.js';
import securityPolicyPresent from './security-policy-present.js';
import serverHookInstalled from './server-hook-installed.js';
import serverReceiveHardened from './server-receive-hardened.js';
import signatureAlgorithmsStrong from './signature-algorithms-strong.js';
import signaturesValid from './signatures-valid.js';
import signerMatchesCommitter from './signer-matches-committer.js';
import signersAuthorized from './signers-authorized.js';
import signersNotRetired from './signers-not-retired.js';
import signingEnabledWhenRequired from './signing-enabled-when-required.js';
import signingKeysValid from './signing-keys-valid.js';
import signingProgramsNotOverriddenLocally from './signing-programs-not-overridden-locally.js';
import sshClientPatched from './ssh-client-patched.js';
import submoduleRecursionSafe from './submodule-recursion-safe.js';
import tagsNotMoved from './tags-not-moved.js';
import tagsSigned from './tags-signed.js';
import tlsVerificationEnabled from './tls-verification-enabled.js';
import trustRootInHistory from './trust-root-in-history.js';
import urlRewritesKeepTls from './url-rewrites-keep-tls.js';

export const registry: Rule[] = [
  alternatesInsideRepository,
  ciGateKept,
  clientDataFresh,
  clientMinVersions,
  commitDatesPlausible,
  commitsSigned,
  credentialsNotStoredInPlaintext,
  forgeAdminsCannotBypass,
  forgeCodeOwnerReviewsRequired,
  forgeDeletionsBlocked,
  forgeForcePushesBlocked,
  forgeReviewsRequired,
  forgeSignedCommitsRequired,
  forgeStatusChecksRequired,
  forgeTagsProtected,
  fsckObjectsEnabled,
  gitClientPatched,
  gitLfsClientPatched,
  gitguardHookInstalled,
  gpgClientPatched,
  graftsAbsent,
  historyComplete,
  hooksNotDisabled,
  mergetagsValid,
  noCodeExecutionInLocalConfig,
  ntfsHfsProtectionEnabled,
  objectChecksNotWeakened,
  objectsIntact,
  policyChangesAuthorized,
  protectedPathsChangedByMaintainers,
  protectedRefsNotRewritten,
  protectedRefsPresent,
  protocolsRestricted,
  reflogNoForcedUpdates,
  remoteUrlsWithoutCredentials,
  remotesUseSecureTransport,
  replaceRefsAbsent,
  safeDirectoryNotWildcard,
  secretsNotInHistory,
  securityPolicyPresent,
  serverHookInstalled,
  serverReceiveHardened,
  signatureAlgorithmsStrong,
  signaturesValid,
  signerMatchesCommitter,
  signersAuthorized,
  signersNotRetired,
  signingEnabledWhenRequired,
  signingKeysValid,
  signingProgramsNotOverriddenLocally,
  sshClientPatched,
  submoduleRecursionSafe,
  tagsNotMoved,
  tagsSigned,
  tlsVerificationEnabled,
  trustRootInHistory,
  urlRewritesKeepTls,
];
