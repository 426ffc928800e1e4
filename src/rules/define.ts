// Small constructors so every rule file reads the same way: an id, the facts it needs, and a pure
// evaluation.
import type { CommitRule, RepoRule } from '../domain/model.js';

export function defineRepoRule(rule: Omit<RepoRule, 'kind'>): RepoRule {
  return { kind: 'repo', ...rule };
}

export function defineCommitRule(rule: Omit<CommitRule, 'kind'>): CommitRule {
  return { kind: 'commits', ...rule };
}
