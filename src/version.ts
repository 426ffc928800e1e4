// The package version, read once from package.json (two levels above dist/ and src/ files alike).
import { createRequire } from 'node:module';

export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
