// The forge fact: collected only when `audit --forge` asks for it, never otherwise (no socket is
// opened without --forge). A forge that cannot be read ends the audit with exit 2 (ExpectedError).
import type { ForgeFacts } from '../../domain/forge.js';
import { resolveTarget, type ForgeRequest } from './target.js';
import { forgeScope } from './scope.js';
import { httpSettings, unreachable } from './http.js';
import { ExpectedError } from '../../errors.js';
import { registerSecret } from './redact.js';

export type { ForgeFacts, ForgeRequest };

export async function collectForge(
  req: ForgeRequest,
  env: NodeJS.ProcessEnv,
  originUrl: string | undefined,
  protectedRefs: readonly string[],
): Promise<ForgeFacts> {
  const target = resolveTarget(req, env, originUrl);
  registerSecret(target.token);
  const settings = httpSettings(env);
  const scope = forgeScope(protectedRefs);
  // Loaded here so that a run without --forge never even loads the HTTP clients.
  try {
    if (target.kind === 'github') return await (await import('./github.js')).readGitHub(target, scope, settings);
    return await (await import('./gitlab.js')).readGitLab(target, scope, settings);
  } catch (err) {
    // Whatever a client throws (it may quote a request), the user sees one redacted line.
    if (err instanceof ExpectedError) throw err;
    throw unreachable(target.kind === 'github' ? 'GitHub' : 'GitLab', target.api, err);
  }
}
