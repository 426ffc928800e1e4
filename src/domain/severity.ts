// The threats gitguard audits against and the severities of what it finds: the words every other
// part of the vocabulary (the policy's severity overrides included) is built on.

export const THREATS = ['impersonation', 'history', 'protections', 'client'] as const;
export type Threat = (typeof THREATS)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
