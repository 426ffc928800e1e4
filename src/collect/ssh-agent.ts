// The keys an ssh-agent holds, asked over its socket (SSH_AUTH_SOCK) the way `ssh-add -L` asks:
// git's documented gpg.ssh.defaultKeyCommand is `ssh-add -L`, whose first key git signs with. Only
// the agent protocol's identity list is read (draft-miller-ssh-agent: REQUEST_IDENTITIES); no
// program is run, nothing is signed, and the answer is bounded in size and time.
import { connect } from 'node:net';

const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;
const MAX_ANSWER = 1024 * 1024;

/** The public key lines ("ssh-ed25519 AAAA...") the agent at `socket` holds, in its order; [] when none or unreachable. */
export function agentKeys(socket: string, timeoutMs = 2000): Promise<string[]> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (keys: string[]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      conn.destroy();
      resolve(keys);
    };
    const conn = connect(socket);
    const timer = setTimeout(() => finish([]), timeoutMs);
    conn.on('error', () => finish([]));
    conn.on('connect', () => conn.write(Buffer.from([0, 0, 0, 1, REQUEST_IDENTITIES])));
    conn.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > MAX_ANSWER) return finish([]);
      const all = Buffer.concat(chunks);
      if (all.length >= 4 && all.length >= 4 + all.readUInt32BE(0)) finish(parseIdentities(all.subarray(4)));
    });
    conn.on('end', () => finish([]));
  });
}

function parseIdentities(msg: Buffer): string[] {
  if (msg[0] !== IDENTITIES_ANSWER || msg.length < 5) return [];
  const keys: string[] = [];
  let pos = 5;
  const str = (): Buffer | undefined => {
    if (pos + 4 > msg.length) return undefined;
    const n = msg.readUInt32BE(pos);
    if (pos + 4 + n > msg.length) return undefined;
    const s = msg.subarray(pos + 4, pos + 4 + n);
    pos += 4 + n;
    return s;
  };
  for (let i = msg.readUInt32BE(1); i > 0; i -= 1) {
    const blob = str();
    if (!blob || !str()) break; // the key and its comment
    const type = blob.length >= 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1') : '';
    if (/^[a-z0-9@.-]+$/.test(type)) keys.push(`${type} ${blob.toString('base64')}`);
  }
  return keys;
}
