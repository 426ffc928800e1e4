// `gitguard init`'s view of the user: who they are (user.email, user.name as git reads them here, every
// config scope), the SSH keys and CAs their own allowed-signers file already trusts, and the key they
// sign with (user.signingkey, or the ssh-agent's first key under git's documented defaultKeyCommand).
// Only the user's own files decide whom they trust, never the repository's config.
import type { ConfigEntry } from '../domain/model.js';
import { effective, isAgentKeyCommand, userValue } from '../domain/config.js';
import type { SshPublicKey } from '../domain/keys.js';
import { expandPath, readUserSigners, sshSigningKey } from '../collect/user-signing.js';
import { agentKeys } from '../collect/ssh-agent.js';

/** An e-mail gitguard may propose in allowed_signers and the policy. */
export const EMAIL_RE = /^[^\s,"'@\\]+@[^\s,"'@\\]+$/;

/** A value as `git config --get` gives it in this repository (every scope). */
function effectiveValue(config: ConfigEntry[], key: string): string | undefined {
  const e = effective(config, key);
  return e && (e.value ?? 'true');
}

/** The user and their keys; what needs their review is pushed onto `review`. */
export async function userSigning(config: ConfigEntry[], env: NodeJS.ProcessEnv, workTree: string, review: string[]) {
  // Who the user is and which key they sign with, as git reads it in this repository (every scope).
  const userEmail = effectiveValue(config, 'user.email')?.trim().toLowerCase();
  const userName = effectiveValue(config, 'user.name');
  const signingKey = effectiveValue(config, 'user.signingkey')?.trim();
  const format = (effectiveValue(config, 'gpg.format') ?? 'openpgp').trim().toLowerCase();
  // Whom the user already trusts: only their own files decide that, never the repository's config.
  const signersFile = userValue(config, 'gpg.ssh.allowedsignersfile');

  // The user's SSH keys and CAs: their global allowed-signers file, read as data.
  const {
    sshKeys,
    caKeys,
    sshEntries,
    file: sshFile,
    error,
  } = readUserSigners(signersFile && expandPath(signersFile, env));
  if (error) review.push(error);

  // git's documented defaultKeyCommand, `ssh-add -L` (wherever set: it runs nothing of the repository's): git then signs with
  // the agent's first key, which the agent's socket gives without running anything.
  let sshKeyValue = signingKey;
  if (
    format === 'ssh' &&
    !signingKey &&
    isAgentKeyCommand(effectiveValue(config, 'gpg.ssh.defaultkeycommand')) &&
    env.SSH_AUTH_SOCK
  ) {
    sshKeyValue = (await agentKeys(env.SSH_AUTH_SOCK))[0];
    if (sshKeyValue)
      review.push(
        'your SSH signing key was taken from your ssh-agent (its first key, as gpg.ssh.defaultKeyCommand "ssh-add -L" gives git): check it is the one you sign with',
      );
  }

  // The user's own SSH signing key vouches for the commits it signed as the user.
  let ownSshLine: string | undefined;
  let ownCa: SshPublicKey | undefined;
  if (format === 'ssh' && sshKeyValue) {
    const k = sshSigningKey(sshKeyValue, env, workTree);
    if ('error' in k) review.push(`your SSH signing key (user.signingkey) could not be read: ${k.error}`);
    else if (k.key.cert) {
      // A certificate: what vouches for it is its CA, for the user's e-mail (the next one is signed by
      // the same CA, with another key).
      const ca = k.key.cert.signatureKey;
      caKeys.set(ca.fingerprint, ca);
      ownCa = ca;
      if (userEmail && EMAIL_RE.test(userEmail))
        ownSshLine = `${userEmail} cert-authority,namespaces="git" ${ca.type} ${Buffer.from(ca.canonical).toString('base64')}`;
      review.push(
        `your SSH signing key is a certificate issued by the CA ${ca.fingerprint}: the proposed allowed_signers trusts that CA for your e-mail; check it is your organisation's CA`,
      );
    } else {
      if (userEmail && EMAIL_RE.test(userEmail)) ownSshLine = `${userEmail} namespaces="git" ${k.line}`;
      if (!sshKeys.has(k.key.fingerprint)) {
        sshKeys.set(k.key.fingerprint, k.key);
        if (userEmail) sshEntries.push({ principals: [userEmail], key: k.key });
      }
    }
  } else if (format === 'ssh' && effectiveValue(config, 'gpg.ssh.defaultkeycommand')) {
    review.push(
      'user.signingkey is not set and gpg.ssh.defaultKeyCommand was not run (gitguard runs no configured command; only "ssh-add -L" is read, from your ssh-agent): set user.signingkey to your public key file',
    );
  }

  return { userEmail, userName, signingKey, format, sshKeys, caKeys, sshEntries, sshFile, ownSshLine, ownCa };
}
