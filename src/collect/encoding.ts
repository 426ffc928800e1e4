// The `encoding` header of a commit, decoded the way `git log` shows it. git re-encodes the whole
// commit (headers included) from that encoding to UTF-8 with iconv before it finds the author and
// committer (pretty.c, logmsg_reencode), so an identity has to be read through the same decoder or
// the e-mail we judge is not the one people see. Node's TextDecoder is not iconv: only encodings
// whose decoding was checked byte for byte against git (test/collect/encoding.test.ts) are here,
// and a byte iconv rejects (git then shows the raw bytes) is rejected too. Everything else is refused.

/** Decodes the bytes as git shows them, or returns undefined when git would not convert them. */
export type Decoder = (bytes: Buffer) => string | undefined;

/** git compares encoding names with same_encoding(): "utf" + optional "-" + "8", any case, is UTF-8. */
export function isUtf8Name(name: string): boolean {
  return /^utf-?8$/i.test(name);
}

function whatwg(label: string, rejectC1: boolean, reject: readonly number[] = []): Decoder {
  const decoder = new TextDecoder(label, { fatal: true });
  return (bytes) => {
    for (const b of reject) if (bytes.includes(b)) return undefined;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return undefined;
    }
    // WHATWG maps the holes of the windows-125x tables to C1 controls; iconv rejects those bytes.
    if (rejectC1 && /[\u0080-\u009f]/.test(text)) return undefined;
    return text;
  };
}

const latin1: Decoder = (bytes) => bytes.toString('latin1');

/** A single-byte table: Latin-1 with some code points replaced (undefined: a byte iconv rejects). */
function patchedLatin1(patch: Record<number, number | undefined>): Decoder {
  const table = Array.from({ length: 256 }, (_, b) => (b in patch ? patch[b] : b));
  return (bytes) => {
    let out = '';
    for (const b of bytes) {
      const c = table[b];
      if (c === undefined) return undefined;
      out += String.fromCharCode(c);
    }
    return out;
  };
}

// Node's TextDecoder decodes "windows-1252" as Latin-1 (a known Node bug), so its table is written out.
const WINDOWS_1252 = patchedLatin1({
  0x80: 0x20ac,
  0x81: undefined,
  0x82: 0x201a,
  0x83: 0x0192,
  0x84: 0x201e,
  0x85: 0x2026,
  0x86: 0x2020,
  0x87: 0x2021,
  0x88: 0x02c6,
  0x89: 0x2030,
  0x8a: 0x0160,
  0x8b: 0x2039,
  0x8c: 0x0152,
  0x8d: undefined,
  0x8e: 0x017d,
  0x8f: undefined,
  0x90: undefined,
  0x91: 0x2018,
  0x92: 0x2019,
  0x93: 0x201c,
  0x94: 0x201d,
  0x95: 0x2022,
  0x96: 0x2013,
  0x97: 0x2014,
  0x98: 0x02dc,
  0x99: 0x2122,
  0x9a: 0x0161,
  0x9b: 0x203a,
  0x9c: 0x0153,
  0x9d: undefined,
  0x9e: 0x017e,
  0x9f: 0x0178,
});
// ISO-8859-9 is Latin-1 with six Turkish letters (WHATWG folds it into windows-1254, iconv does not).
const ISO_8859_9 = patchedLatin1({
  0xd0: 0x011e,
  0xdd: 0x0130,
  0xde: 0x015e,
  0xf0: 0x011f,
  0xfd: 0x0131,
  0xfe: 0x015f,
});

/** Canonical name -> decoder, for the encodings gitguard reads. */
const DECODERS: Record<string, () => Decoder> = {
  'iso-8859-1': () => latin1,
  'iso-8859-9': () => ISO_8859_9,
  'windows-1252': () => WINDOWS_1252,
  ...Object.fromEntries(
    [2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15].map((n) => [`iso-8859-${n}`, () => whatwg(`iso-8859-${n}`, false)]),
  ),
  ...Object.fromEntries(
    [1250, 1251, 1254, 1255, 1256, 1257].map((n) => [`windows-${n}`, () => whatwg(`windows-${n}`, true)]),
  ),
  // 0xAA is a hole in Microsoft's table that WHATWG fills.
  'windows-1253': () => whatwg('windows-1253', true, [0xaa]),
  'koi8-r': () => whatwg('koi8-r', false),
  'koi8-u': () => whatwg('koi8-u', false),
  ibm866: () => whatwg('ibm866', false),
};

/** The spellings iconv accepts that we accept too, folded to a canonical name (lower case). */
function canonical(name: string): string | undefined {
  const n = name.toLowerCase();
  let m = /^iso-?8859-([1-9]\d?)$/.exec(n);
  if (m) return `iso-8859-${m[1]}`;
  if (n === 'latin1') return 'iso-8859-1';
  m = /^(?:windows-|cp)(125\d)$/.exec(n);
  if (m) return `windows-${m[1]}`;
  if (n === 'cp866' || n === 'ibm866') return 'ibm866';
  if (n === 'koi8-r' || n === 'koi8-u') return n;
  return undefined;
}

const cache = new Map<string, Decoder | null>();

/** The decoder for an `encoding` header value; undefined when gitguard cannot read it as git does. */
export function decoderFor(name: string): Decoder | undefined {
  let d = cache.get(name);
  if (d === undefined) {
    const c = canonical(name);
    const make = c === undefined ? undefined : DECODERS[c];
    d = make ? make() : null;
    if (cache.size < 64) cache.set(name, d);
  }
  return d ?? undefined;
}
