// The part of a file the CI's chain to gitguard reads, as text to compare between two versions
// (domain/ci-commands.ts chainPart), with the YAML files read as their tools read them.
import { posix } from 'node:path';
import { chainPart } from '../domain/ci-commands.js';
import { PRE_COMMIT_FILES } from '../domain/pre-commit-parts.js';
import { TASKFILES } from '../domain/taskfile-parts.js';
import { isComposeFile } from '../domain/compose-parts.js';
import { yamlJson } from './workspace-packages.js';

/** Files compared as their tools read them, as YAML (domain/workspace-parts.ts, pre-commit-parts.ts). */
const YAML_PARTS = ['pnpm-workspace.yaml', '.yarnrc.yml', ...PRE_COMMIT_FILES, ...TASKFILES];

/**
 * The part of a file's text the chain to gitguard reads (`entries` undefined: all of it).
 * pnpm-workspace.yaml, pre-commit's file, a Taskfile and a compose file are read as YAML, else whole.
 */
export async function partText(path: string, entries: readonly string[] | undefined, text: string): Promise<string> {
  if (!entries || !(YAML_PARTS.includes(posix.basename(path)) || isComposeFile(path)))
    return chainPart(path, entries, text);
  const json = await yamlJson(text);
  return json === undefined ? text : chainPart(path, entries, json);
}
