// Data the rules judge against that is not a fact about the repository: the vulnerability
// databases shipped in rules/<tool>-vulnerabilities.json. Loaded only when a rule asks for it.
import { join } from 'node:path';
import type { VulnDatabase } from '../vulndb/database.js';
import { loadVulnerabilityDatabase } from '../collect/vulnerability-data.js';
import { RULES_DIR } from './catalog.js';

const cache = new Map<string, VulnDatabase>();

export function vulnerabilityDatabase(tool: 'git' | 'gpg' | 'openssh' | 'git-lfs'): VulnDatabase {
  let db = cache.get(tool);
  if (!db) {
    db = loadVulnerabilityDatabase(join(RULES_DIR, `${tool}-vulnerabilities.json`));
    cache.set(tool, db);
  }
  return db;
}
