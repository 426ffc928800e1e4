// Git objects for the benchmark: commit texts with a gpgsig header, the sshsig signature format
// (PROTOCOL.sshsig), and a version-2 pack file written in one go (git index-pack makes its .idx).
import { createHash, sign as cryptoSign } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
export const sshString = (v) => {
  const bytes = typeof v === 'string' ? Buffer.from(v) : v;
  return Buffer.concat([u32(bytes.length), bytes]);
};

/** The commit object without signature: what gets signed. */
export function commitPayload({ tree, parent, name, email, time, tz = '+0000', message }) {
  return Buffer.from(
    `tree ${tree}\n` +
      (parent ? `parent ${parent}\n` : '') +
      `author ${name} <${email}> ${time} ${tz}\n` +
      `committer ${name} <${email}> ${time} ${tz}\n` +
      `\n${message}`,
  );
}

/** Inserts the armored signature as the gpgsig header (after the committer line, as git does). */
export function withSignature(payload, armored) {
  const text = payload.toString('latin1');
  const headerEnd = text.indexOf('\n\n');
  const lines = armored.replace(/\n$/, '').split('\n');
  const header = `gpgsig ${lines[0]}\n${lines
    .slice(1)
    .map((l) => ` ${l}\n`)
    .join('')}`;
  return Buffer.from(text.slice(0, headerEnd + 1) + header + text.slice(headerEnd + 1), 'latin1');
}

export function objectId(type, body) {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/**
 * An sshsig signature (PROTOCOL.sshsig) over `message` in `namespace`, sha512, by an ed25519
 * key: `publicBlob` is the SSH public key blob, `privateKey` a node KeyObject.
 */
export function sshsigEd25519(message, publicBlob, privateKey, namespace = 'git') {
  const magic = Buffer.from('SSHSIG');
  const h = createHash('sha512').update(message).digest();
  const signed = Buffer.concat([magic, sshString(namespace), sshString(''), sshString('sha512'), sshString(h)]);
  const raw = cryptoSign(null, signed, privateKey);
  const blob = Buffer.concat([
    magic,
    u32(1),
    sshString(publicBlob),
    sshString(namespace),
    sshString(''),
    sshString('sha512'),
    sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(raw)])),
  ]);
  const b64 = blob.toString('base64').replace(/.{70}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN SSH SIGNATURE-----\n${b64}\n-----END SSH SIGNATURE-----\n`;
}

const PACK_TYPES = { commit: 1, tree: 2, blob: 3, tag: 4 };

/** Writes an undeltified version-2 pack of `count` objects straight to `path` (no copy in memory). */
export class PackWriter {
  constructor(path, count) {
    this.fd = openSync(path, 'w');
    this.sum = createHash('sha1');
    this.count = count;
    this.added = 0;
    this.bytes = 0;
    this.write(Buffer.concat([Buffer.from('PACK'), u32(2), u32(count)]));
  }

  write(b) {
    this.sum.update(b);
    writeSync(this.fd, b);
    this.bytes += b.length;
  }

  /** Adds an object; returns its id. */
  add(type, body) {
    let size = body.length;
    const head = [];
    let byte = (PACK_TYPES[type] << 4) | (size & 15);
    size = Math.floor(size / 16);
    while (size > 0) {
      head.push(byte | 0x80);
      byte = size & 0x7f;
      size = Math.floor(size / 128);
    }
    head.push(byte);
    this.write(Buffer.from(head));
    this.write(deflateSync(body, { level: 1 }));
    this.added += 1;
    return objectId(type, body);
  }

  /** Ends the pack with its checksum (the name git gives it); returns that name and the size. */
  finish() {
    if (this.added !== this.count) throw new Error(`pack announced ${this.count} objects, got ${this.added}`);
    const sum = this.sum.digest();
    writeSync(this.fd, sum);
    closeSync(this.fd);
    return { name: sum.toString('hex'), packBytes: this.bytes + sum.length };
  }
}
