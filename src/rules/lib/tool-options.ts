// The option strings git-annex reads from git config and hands to another program (git-annex(1),
// CONFIGURATION; Types/GitConfig.hs): each is split into words at whitespace (Haskell's `words`, no
// quoting) and put on that program's command line. Several programs run a command named in an option
// (ssh -oProxyCommand=, -F a config file, -I a library; rsync -e; wget --use-askpass, -e; gpg
// --exec-path; yt-dlp --exec; aria2c --on-download-complete...). A value is read here as the program's
// getopt reads it, and is harmless only when every word is an option listed below with a value of the
// plain kind: whatever cannot be read that way (an unknown option, an abbreviation, a bare word, "--",
// a byte outside printable ASCII) is taken as running a command.

type Value = { readonly test: (v: string) => boolean };
/** Options that run nothing: letters without a value, letters with one, long names (true: no value). */
interface Grammar {
  readonly flags: string;
  readonly valued: Readonly<Record<string, Value>>;
  readonly long: Readonly<Record<string, Value | true>>;
}

const NUMBER = /^\d+[A-Za-z]?$/;
const PLAIN = /^[A-Za-z0-9~./_][A-Za-z0-9~./_:,+%@=-]*$/;

// ssh_config(5) keywords that name no program, library, socket or file of configuration.
const SSH_KEYWORDS = new Set(
  [
    'AddressFamily',
    'BatchMode',
    'CheckHostIP',
    'Ciphers',
    'Compression',
    'ConnectionAttempts',
    'ConnectTimeout',
    'ControlMaster',
    'ControlPath',
    'ControlPersist',
    'GlobalKnownHostsFile',
    'HashKnownHosts',
    'HostKeyAlgorithms',
    'HostKeyAlias',
    'IdentitiesOnly',
    'IdentityFile',
    'IPQoS',
    'KbdInteractiveAuthentication',
    'KexAlgorithms',
    'LogLevel',
    'MACs',
    'PasswordAuthentication',
    'Port',
    'PreferredAuthentications',
    'PubkeyAcceptedAlgorithms',
    'PubkeyAuthentication',
    'ServerAliveCountMax',
    'ServerAliveInterval',
    'StrictHostKeyChecking',
    'TCPKeepAlive',
    'UpdateHostKeys',
    'User',
    'UserKnownHostsFile',
  ].map((k) => k.toLowerCase()),
);

/** `-o Keyword=value` (the words are split at whitespace first, so "Keyword value" cannot occur). */
const SSH_OPTION: Value = {
  test: (v) => {
    const m = /^([A-Za-z]+)=(.*)$/.exec(v);
    return m !== null && SSH_KEYWORDS.has(m[1]!.toLowerCase()) && PLAIN.test(m[2]!);
  },
};

const SSH: Grammar = {
  flags: '46aCqTtvx',
  valued: { p: NUMBER, l: PLAIN, i: PLAIN, c: PLAIN, m: PLAIN, o: SSH_OPTION },
  long: {},
};

const RSYNC: Grammar = {
  flags: 'acDghHlopPqrStvWxz46',
  valued: {},
  long: {
    progress: true,
    partial: true,
    inplace: true,
    compress: true,
    quiet: true,
    verbose: true,
    checksum: true,
    'whole-file': true,
    sparse: true,
    'human-readable': true,
    stats: true,
    ipv4: true,
    ipv6: true,
    bwlimit: NUMBER,
    timeout: NUMBER,
    contimeout: NUMBER,
    'compress-level': NUMBER,
  },
};

const GPG: Grammar = {
  flags: 'aqv',
  valued: { z: NUMBER },
  long: {
    armor: true,
    batch: true,
    'no-tty': true,
    quiet: true,
    verbose: true,
    'throw-keyids': true,
    'force-mdc': true,
    'no-symkey-cache': true,
    'cipher-algo': PLAIN,
    'digest-algo': PLAIN,
    'compress-algo': PLAIN,
    'compress-level': NUMBER,
    's2k-cipher-algo': PLAIN,
    's2k-digest-algo': PLAIN,
    's2k-mode': NUMBER,
    's2k-count': NUMBER,
    'trust-model': PLAIN,
    'pinentry-mode': PLAIN,
  },
};

const BUP_SPLIT: Grammar = {
  flags: 'qv',
  valued: {},
  long: {
    bwlimit: NUMBER,
    fanout: NUMBER,
    'max-pack-size': NUMBER,
    'max-pack-objects': NUMBER,
    'keep-boundaries': true,
  },
};

// annex.web-options go to wget or curl, whichever git-annex finds: only what both read as harmless.
const WEB: Grammar = { flags: '46q', valued: {}, long: { 'limit-rate': NUMBER } };

const YOUTUBE_DL: Grammar = {
  flags: '46',
  valued: { f: PLAIN, r: NUMBER, R: NUMBER },
  long: {
    format: PLAIN,
    'limit-rate': NUMBER,
    retries: NUMBER,
    'socket-timeout': NUMBER,
    'no-playlist': true,
    'restrict-filenames': true,
  },
};

const ARIA: Grammar = {
  flags: '',
  valued: {},
  long: {
    'max-overall-download-limit': NUMBER,
    'max-download-limit': NUMBER,
    'max-overall-upload-limit': NUMBER,
    'max-upload-limit': NUMBER,
    'seed-time': NUMBER,
    'seed-ratio': PLAIN,
    'bt-max-peers': NUMBER,
    'listen-port': PLAIN,
    'dht-listen-port': PLAIN,
  },
};

// Per remote as remote.<name>.annex-<option>, and for every remote as annex.<option> (read first).
const REMOTE_OPTIONS: Readonly<Record<string, Grammar>> = {
  'ssh-options': SSH,
  'rsync-options': RSYNC,
  'rsync-upload-options': RSYNC,
  'rsync-download-options': RSYNC,
  'gnupg-options': GPG,
  'gnupg-decrypt-options': GPG,
  'bup-split-options': BUP_SPLIT,
};
const ANNEX_OPTIONS: Readonly<Record<string, Grammar>> = {
  ...REMOTE_OPTIONS,
  'web-options': WEB,
  'youtube-dl-options': YOUTUBE_DL,
  'aria-torrent-options': ARIA,
};

function grammarOf(key: string): Grammar | undefined {
  const annex = /^annex\.([^.]+)$/.exec(key);
  if (annex) return Object.hasOwn(ANNEX_OPTIONS, annex[1]!) ? ANNEX_OPTIONS[annex[1]!] : undefined;
  const remote = /^remote\..+\.annex-([^.]+)$/.exec(key);
  return remote && Object.hasOwn(REMOTE_OPTIONS, remote[1]!) ? REMOTE_OPTIONS[remote[1]!] : undefined;
}

/** Whether every word is an option of the grammar with a plain value (getopt's reading, strictly). */
function harmless(value: string, g: Grammar): boolean {
  if (!/^[\x20-\x7e\t\n\r\f\v]*$/.test(value)) return false;
  const words = value.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const rule = Object.hasOwn(g.long, name) ? g.long[name] : undefined;
      if (rule === undefined) return false;
      if (rule === true) {
        if (eq >= 0) return false;
        continue;
      }
      const v = eq >= 0 ? w.slice(eq + 1) : words[++i];
      if (v === undefined || !rule.test(v)) return false;
      continue;
    }
    if (!w.startsWith('-') || w.length < 2) return false;
    for (let j = 1; j < w.length; j++) {
      const c = w[j]!;
      if (g.flags.includes(c)) continue;
      const rule = Object.hasOwn(g.valued, c) ? g.valued[c] : undefined;
      if (rule === undefined) return false;
      const v = j + 1 < w.length ? w.slice(j + 1) : words[++i];
      if (v === undefined || !rule.test(v)) return false;
      break;
    }
  }
  return true;
}

/**
 * For a git-annex key whose value is options for another program: whether the value may run a command
 * (undefined when the key is no such key).
 */
export function annexOptionsRunCommand(key: string, value: string): boolean | undefined {
  const g = grammarOf(key);
  return g === undefined ? undefined : !harmless(value, g);
}
