// Fuzz target: .git/gitguard/ledger.json (inside a repository that may be hostile). readLedger
// throws only LedgerError, whatever the file holds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError, readLedger } from '../../src/collect/ledger.js';
import { tempDir, cleanupTemp } from '../helpers/repo.js';
import { fuzz, mutated, TEST_TIMEOUT } from './harness.js';

afterAll(cleanupTemp);

const SEED = JSON.stringify(
  {
    schemaVersion: 1,
    trustRoot: '3f2a9c0b6e1d4f5a7b8c9d0e1f2a3b4c5d6e7f80',
    refs: {
      'refs/heads/main': { oid: '0123456789abcdef0123456789abcdef01234567', recordedAt: '2026-01-01T00:00:00.000Z' },
    },
    accepted: [
      {
        ref: 'refs/heads/main',
        from: '0123456789abcdef0123456789abcdef01234567',
        to: '3f2a9c0b6e1d4f5a7b8c9d0e1f2a3b4c5d6e7f80',
        reason: 'ok',
        at: '2026-01-01T00:00:00.000Z',
      },
    ],
  },
  null,
  2,
);
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  'null',
  'true',
  '1e999',
  '"__proto__"',
  '"constructor"',
  '"refs/"',
  '\\u0000',
  '\\ud800',
];

test(
  'ledger.json: no crash, no hang',
  async () => {
    const common = tempDir('gg-fuzz-ledger-');
    mkdirSync(join(common, 'gitguard'));
    const file = join(common, 'gitguard', 'ledger.json');
    await fuzz(
      'ledger',
      mutated([Buffer.from(SEED)], TOKENS),
      (bytes) => {
        writeFileSync(file, bytes);
        const l = readLedger(common);
        if (l) expect(l.schemaVersion).toBe(1);
      },
      (e) => e instanceof LedgerError,
      300,
    );
  },
  TEST_TIMEOUT,
);
