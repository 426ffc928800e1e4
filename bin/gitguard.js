#!/usr/bin/env node
// The whole binary: everything else lives in dist/cli/main.js (built from src/cli/main.ts).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
