// The ledger file: atomic writes that survive a SIGKILL between the temp write and the rename, a
// lock that keeps two runs apart and is taken over when its owner died, and a damaged ledger that is
// reported, never reset.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transpiledModuleUrl } from '../helpers/src-module.js';
import { tempDir, cleanupTemp } from '../helpers/repo.js';
import { LedgerError, lockLedger, readLedger, updateLedger, type Ledger } from '../../src/collect/ledger.js';

afterAll(cleanupTemp);

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const withMain =
  (oid: string) =>
  (l: Ledger): Ledger => ({
    ...l,
    refs: { ...l.refs, 'refs/heads/main': { oid, recordedAt: '2026-01-01T00:00:00.000Z' } },
  });

/** A child process that writes the ledger (src/collect/ledger.ts, not a build) and stops forever between temp write and rename. */
function startStuckWriter(commonDir: string): Promise<ReturnType<typeof spawn>> {
  const mod = transpiledModuleUrl('src/collect/ledger.ts');
  const script = `
    const { updateLedger } = await import(${JSON.stringify(mod)});
    updateLedger(${JSON.stringify(commonDir)}, (l) => ({ ...l, refs: { ...l.refs, 'refs/heads/main': { oid: '${NEW}', recordedAt: 'x' } } }), {
      beforeRename() { process.stdout.write('paused\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); },
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('paused') && resolve(child));
    child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
}

describe('ledger file', () => {
  test('killing a writer between the temp write and the rename leaves the previous ledger intact, and the stale lock is taken over', async () => {
    const dir = tempDir();
    updateLedger(dir, withMain(OLD));
    const child = await startStuckWriter(dir);
    expect(readdirSync(join(dir, 'gitguard')).some((f) => f.startsWith('ledger.json.tmp-'))).toBe(true);
    expect(existsSync(join(dir, 'gitguard', 'ledger.lock'))).toBe(true);
    await new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGKILL');
    });
    expect(readLedger(dir)!.refs['refs/heads/main']!.oid).toBe(OLD);
    // The dead writer's lock does not block the next run.
    updateLedger(dir, withMain(NEW), {});
    expect(readLedger(dir)!.refs['refs/heads/main']!.oid).toBe(NEW);
    expect(existsSync(join(dir, 'gitguard', 'ledger.lock'))).toBe(false);
  });

  test('a second writer waits for a live lock and gives up with a clear error', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'gitguard'), { recursive: true });
    // A lock held by a live process (our parent: alive, not us).
    writeFileSync(join(dir, 'gitguard', 'ledger.lock'), `${process.ppid}\n`);
    expect(() => lockLedger(dir, 100)).toThrow(/locked by another gitguard run/);
  });

  test.each([
    ['not JSON', '{"schemaVersion": 1,'],
    ['a wrong schema version', '{"schemaVersion": 2, "refs": {}, "accepted": []}'],
    [
      'a ref entry without an object id',
      '{"schemaVersion": 1, "refs": {"refs/heads/main": {"oid": "zz", "recordedAt": "x"}}, "accepted": []}',
    ],
  ])('reports a ledger that is %s as damaged and does not overwrite it', (_name, text) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'gitguard'), { recursive: true });
    writeFileSync(join(dir, 'gitguard', 'ledger.json'), text);
    expect(() => readLedger(dir)).toThrow(LedgerError);
    expect(() => updateLedger(dir, withMain(NEW))).toThrow(/damaged ledger/);
    expect(readFileSync(join(dir, 'gitguard', 'ledger.json'), 'utf8')).toBe(text);
  });
});
