// A real HTTPS server on 127.0.0.1 whose certificate a private CA signed (openssl), and git ls-remote
// against it with no CA from the environment: git's own answer on which CA it trusts.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './repo.js';

export interface TlsServer {
  /** The URL of a repository on the server (every request is answered 404). */
  url: string;
  /** The private CA's certificate (PEM file). */
  ca: string;
  /** The paths of the requests the server received. */
  asked: string[];
  close: () => Promise<void>;
}

export async function startTlsServer(): Promise<TlsServer> {
  const d = tempDir();
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=picked-ca']);
  ssl(['req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(d, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
  const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2'];
  ssl(['x509', '-req', '-in', 'srv.csr', ...sign, '-extfile', 'ext']);
  const asked: string[] = [];
  const server: Server = createServer(
    { key: readFileSync(join(d, 'srv.key')), cert: readFileSync(join(d, 'srv.pem')) },
    (q, res) => {
      asked.push(q.url ?? '');
      res.writeHead(404).end();
    },
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return {
    url: `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/r.git`,
    ca: join(d, 'ca.pem'),
    asked,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** git ls-remote `url` from `dir` (asynchronously: the server answers from this process), with no CA from the environment: '' or git's error. */
export async function lsRemote(url: string, dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const clean = { ...env };
  for (const k of ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR'])
    delete clean[k];
  try {
    await promisify(execFile)('git', ['ls-remote', url], { cwd: dir, env: clean, timeout: 60_000 });
    return '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}
