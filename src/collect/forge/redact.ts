// The token must never reach any output: every message that leaves the forge collector goes
// through here, whatever produced it (our code, octokit, gitbeaker, fetch, which may quote request
// URLs or headers). The tokens are the run's (run-context.ts), not the module's.
import { runContext } from '../run-context.js';

export function registerSecret(token: string | undefined): void {
  if (token && token.length >= 4) runContext().secrets.add(token);
}

export function redact(text: string): string {
  let out = text;
  for (const s of runContext().secrets) out = out.split(s).join('***');
  // Credentials in URLs and authorization headers, whoever's they are.
  return out
    .replace(/(\/\/)[^/@\s]+@/g, '$1***@')
    .replace(
      /((?:authorization|private-token|job-token)["']?\s*[:=]\s*["']?)(?:(?:token|bearer|basic)\s+)?[^\s"',}]+/gi,
      '$1***',
    );
}
