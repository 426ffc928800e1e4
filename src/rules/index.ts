// The registry: every rule, sorted by id. rules/<id>.json holds each one's metadata; the catalog
// and test/meta check that the two lists are the same.
import type { Rule } from '../model.js';
import commitsSigned from './commits-signed.js';
import credentialsNotStoredInPlaintext from './credentials-not-stored-in-plaintext.js';
import fsckObjectsEnabled from './fsck-objects-enabled.js';
import gitClientPatched from './git-client-patched.js';
import graftsAbsent from './grafts-absent.js';
import historyComplete from './history-complete.js';
import ntfsHfsProtectionEnabled from './ntfs-hfs-protection-enabled.js';
import objectsIntact from './objects-intact.js';
import policyChangesAuthorized from './policy-changes-authorized.js';
import remoteUrlsWithoutCredentials from './remote-urls-without-credentials.js';
import replaceRefsAbsent from './replace-refs-absent.js';
import safeDirectoryNotWildcard from './safe-directory-not-wildcard.js';
import signaturesValid from './signatures-valid.js';
import signerMatchesCommitter from './signer-matches-committer.js';
import signersAuthorized from './signers-authorized.js';
import signersNotRetired from './signers-not-retired.js';
import signingKeysValid from './signing-keys-valid.js';
import tlsVerificationEnabled from './tls-verification-enabled.js';

export const registry: Rule[] = [
  commitsSigned,
  credentialsNotStoredInPlaintext,
  fsckObjectsEnabled,
  gitClientPatched,
  graftsAbsent,
  historyComplete,
  ntfsHfsProtectionEnabled,
  objectsIntact,
  policyChangesAuthorized,
  remoteUrlsWithoutCredentials,
  replaceRefsAbsent,
  safeDirectoryNotWildcard,
  signaturesValid,
  signerMatchesCommitter,
  signersAuthorized,
  signersNotRetired,
  signingKeysValid,
  tlsVerificationEnabled,
];
