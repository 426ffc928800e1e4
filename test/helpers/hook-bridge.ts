// Hooks that real `git push` runs, with gitguard's part done in this process. `hook install` writes
// the hook script it writes for users, except that it starts a small bridge instead of the built
// binary: the bridge hands its arguments, working folder, environment (git's, with the quarantine of
// a pre-receive) and stdin to this test process over a Unix socket, where main(argv, io) runs them
// (runMain), and gives back the output and the exit code for git to act on. git, the repositories
// and the hook script stay real; what this leaves out is the binary's own start-up, about 0.3 CPU-s a
// push, which a handful of smoke tests prove with pushes through hooks that run the binary (CONTRIBUTING.md).
// A push through such a hook must not block this process (gitAsync): it waits for this process.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { runMain } from './cli.js';
import { makeRepo, tempDir, type TestRepo } from './repo.js';

// The bridge itself, in Perl (perl-base: on every system git runs on) with nothing beyond its
// base modules: it starts in ~15 ms of CPU where node takes ~65 and the binary ~300. The request is
// a list of length-prefixed fields (the working folder, stdin, the argument count and arguments,
// then the environment as NAME=value); the answer is the exit code, stdout and stderr, the same way.
// A push that waits too long for an answer (this process blocked in a synchronous push) ends
// refused, with a line that says why, instead of a hang.
const BRIDGE = (socket: string): string => `use strict;
use Cwd ();
use IO::Socket::UNIX;
sub fail { print STDERR "gitguard test hook bridge: $_[0]\\n"; exit 1 }
$SIG{ALRM} = sub { fail('no answer from the test process (is it blocked in a synchronous git push?)') };
alarm 120;
binmode STDIN; binmode STDOUT; binmode STDERR;
my $input = do { local $/; <STDIN> } // '';
my $sock = IO::Socket::UNIX->new(Peer => '${socket}') or fail("cannot reach the test process: $!");
binmode $sock;
my @fields = (Cwd::getcwd(), $input, scalar(@ARGV), @ARGV, map { "$_=$ENV{$_}" } sort keys %ENV);
print $sock map { length($_) . "\\n" . $_ } @fields;
shutdown($sock, 1);
my $answer = do { local $/; <$sock> } // '';
my ($code, @out) = fields($answer);
fail('no answer from the test process') unless defined $code && @out == 2;
print STDOUT $out[0];
print STDERR $out[1];
exit $code;
sub fields {
  my ($buf) = @_;
  my @f;
  while ($buf =~ /\\G(\\d+)\\n/gc) { push @f, substr($buf, pos($buf), $1); pos($buf) += $1; }
  return @f;
}
`;

/** Length-prefixed fields, as the bridge writes and reads them. */
function fields(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const len = Number(buf.subarray(pos, nl).toString('latin1'));
    out.push(buf.subarray(nl + 1, nl + 1 + len));
    pos = nl + 1 + len;
  }
  return out;
}
const frame = (parts: Buffer[]): Buffer => Buffer.concat(parts.flatMap((p) => [Buffer.from(`${p.length}\n`), p]));

let bridge: { server: Server; node: string; bin: string } | undefined;

/** perl on PATH (the hook script wants a path it can test with -x). */
function perl(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'perl');
    if (dir && existsSync(p)) return p;
  }
  throw new Error('perl is not on PATH: the in-process hook bridge needs it (perl-base)');
}

/** Runs one request of the bridge with runMain and frames the answer. */
async function answer(request: Buffer): Promise<Buffer> {
  const [cwd, input, count, ...rest] = fields(request);
  const n = Number(count!.toString());
  const argv = rest.slice(0, n).map((a) => a.toString('utf8'));
  const env: NodeJS.ProcessEnv = {};
  for (const kv of rest.slice(n)) {
    const s = kv.toString('utf8');
    env[s.slice(0, s.indexOf('='))] = s.slice(s.indexOf('=') + 1);
  }
  const r = await runMain(argv, { cwd: cwd!.toString('utf8'), env, input: input!.toString('utf8') });
  return frame([Buffer.from(String(r.code)), r.stdoutBytes, Buffer.from(r.stderr, 'utf8')]);
}

/**
 * runMain options for `hook install`: the installed hook runs gitguard in this process (started on
 * first use; stop it with stopHookBridge in afterAll).
 */
export async function inProcessHooks(): Promise<{ gitguard: { node: string; bin: string } }> {
  if (!bridge) {
    // A Unix socket's path has room for ~100 bytes: under a long TMPDIR it goes to /tmp.
    const dir = tempDir('gg-hb-');
    const bin = join(dir, 'bridge.pl');
    const socket = join(dir.length > 90 ? tempDir('gg-hb-', '/tmp') : dir, 's');
    if (/['\\]/.test(socket)) throw new Error(`a temp folder the bridge cannot name: ${socket}`);
    writeFileSync(bin, BRIDGE(socket));
    // allowHalfOpen: the bridge ends its side once it has sent the request, and still reads the answer.
    const server = createServer({ allowHalfOpen: true }, (conn) => {
      const chunks: Buffer[] = [];
      conn.on('data', (c: Buffer) => chunks.push(c));
      conn.on('end', () => {
        answer(Buffer.concat(chunks)).then(
          (reply) => conn.end(reply),
          (err: Error) => conn.end(frame([Buffer.from('70'), Buffer.alloc(0), Buffer.from(`${err.stack}\n`)])),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, resolve);
    });
    server.unref();
    bridge = { server, node: perl(), bin };
  }
  return { gitguard: { node: bridge.node, bin: bridge.bin } };
}

/** Stops the bridge (afterAll of a file that used inProcessHooks). */
export async function stopHookBridge(): Promise<void> {
  const b = bridge;
  bridge = undefined;
  if (b) await new Promise((resolve) => b.server.close(resolve));
}

/** git in `cwd` (the repository's work tree by default) with its environment, without blocking this
 *  process (a hook it runs may be answered here): exit code and output, as tryGit gives them. */
export function gitAsync(
  r: TestRepo,
  args: string[],
  cwd = r.dir,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: r.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** A bare repository with gitguard's pre-receive hook (`hook install --server`), which runs the built
 *  binary or, by default, gitguard in this process. */
export async function hookedServer(runs: 'binary' | 'in-process' = 'in-process'): Promise<TestRepo> {
  const server = makeRepo({ bare: true });
  const bridge = runs === 'in-process' ? await inProcessHooks() : {};
  const r = await runMain(['hook', 'install', '--server'], { cwd: server.dir, env: server.env, ...bridge });
  if (r.code !== 0) throw new Error(`hook install failed: ${r.stderr}`);
  return server;
}

/** `git push origin ...args` from `client`: whether it went through, and git's stderr when it did not. */
export async function pushOrigin(client: TestRepo, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  const r = await gitAsync(client, ['push', 'origin', ...args]);
  return r.code === 0 ? { ok: true, stderr: '' } : { ok: false, stderr: r.stderr };
}
