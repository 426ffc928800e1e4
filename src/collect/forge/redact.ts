// The token must never reach any output: every message that leaves the forge collector goes
// through here, whatever produced it (our code, octokit, gitbeaker, fetch, which may quote request
// URLs or headers).
const secrets = new Set<string>();

export function registerSecret(token: string | undefined): void {
  if (token && token.length >= 4) secrets.add(token);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  // Credentials in URLs and authorization headers, whoever's they are.
  return out
    .replace(/(\/\/)[^/@\s]+@/g, '$1***@')
    .replace(/((?:authorization|private-token|job-token)["']?\s*[:=]\s*["']?)(?:(?:token|bearer|basic)\s+)?[^\s"',}]+/gi, '$1***');
}
