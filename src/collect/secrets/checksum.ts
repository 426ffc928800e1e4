// GitHub's (ghp_, gho_, ghu_, ghs_, ghr_) and npm's (npm_) tokens end in six base62 characters that
// encode a CRC32 of the 30 random characters before them, so a scanner can tell a real token from
// a string of the right shape. The alphabet order and whether the prefix is hashed are not
// documented, so every reading is accepted: a random string passes one of the four by chance once
// in ~14 billion.
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(s: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ s.charCodeAt(i)) & 0xff]!;
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62_DIGITS_UPPER_FIRST = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_DIGITS_LOWER_FIRST = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** n in base62, left-padded with the zero digit to `width`. */
export function base62(n: number, width = 6, digits = BASE62_DIGITS_UPPER_FIRST): string {
  let out = '';
  let v = n;
  do {
    out = digits[v % 62]! + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, digits[0]);
}

/** Whether a prefix_ + 30 + 6 token's last six characters are the CRC32 of what precedes them. */
export function tokenChecksumValid(token: string): boolean {
  const sep = token.indexOf('_');
  if (sep < 0 || token.length < sep + 1 + 7) return false;
  const body = token.slice(sep + 1, -6);
  const check = token.slice(-6);
  for (const input of [body, token.slice(0, -6)]) {
    const crc = crc32(input);
    for (const digits of [BASE62_DIGITS_UPPER_FIRST, BASE62_DIGITS_LOWER_FIRST])
      if (base62(crc, 6, digits) === check) return true;
  }
  return false;
}
