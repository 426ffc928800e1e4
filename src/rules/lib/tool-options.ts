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
const PRINTABLE = /^[\x20-\x7e\t\n\r\f\v]*$/;
const PLAIN = /^[A-Za-z0-9~./_][A-Za-z0-9~./_:,+%@=-]*$/;

// ssh_config(5) keywords that name no program, library, socket or file of configuration.
const SSH_KEYWORDS = new Set(
  [
    'AddKeysToAgent',
    'AddressFamily',
    'BatchMode',
    'CASignatureAlgorithms',
    'CertificateFile',
    'CheckHostIP',
    'Ciphers',
    'Compression',
    'ConnectionAttempts',
    'ConnectTimeout',
    'ExitOnForwardFailure',
    'GSSAPIAuthentication',
    'ControlMaster',
    'ControlPath',
    'ControlPersist',
    'GlobalKnownHostsFile',
    'HashKnownHosts',
    'HostKeyAlgorithms',
    'HostKeyAlias',
    'HostName',
    'IdentityAgent',
    'IdentitiesOnly',
    'IdentityFile',
    'IPQoS',
    'KbdInteractiveAuthentication',
    'KexAlgorithms',
    'LogLevel',
    'MACs',
    'NumberOfPasswordPrompts',
    'PasswordAuthentication',
    'Port',
    'PreferredAuthentications',
    'PubkeyAcceptedAlgorithms',
    'PubkeyAcceptedKeyTypes',
    'PubkeyAuthentication',
    'RequestTTY',
    'ServerAliveCountMax',
    'ServerAliveInterval',
    'StrictHostKeyChecking',
    'TCPKeepAlive',
    'UpdateHostKeys',
    'User',
    'UserKnownHostsFile',
    'VerifyHostKeyDNS',
  ].map((k) => k.toLowerCase()),
);

// Algorithm lists, which ssh_config(5) lets start with +, - or ^ (append, remove, put first).
const SSH_ALGORITHMS = new Set(
  [
    'Ciphers',
    'MACs',
    'KexAlgorithms',
    'HostKeyAlgorithms',
    'PubkeyAcceptedAlgorithms',
    'PubkeyAcceptedKeyTypes',
    'CASignatureAlgorithms',
  ].map((k) => k.toLowerCase()),
);
// Forwarding hands the remote (the repository's choice) the user's agent or display: only "no" runs nothing of theirs.
const SSH_OFF_ONLY = new Set(['forwardagent', 'forwardx11']);

/** `-o Keyword=value` (the words are split at whitespace first, so "Keyword value" cannot occur). */
const SSH_OPTION: Value = {
  test: (v) => {
    const m = /^([A-Za-z0-9]+)=(.*)$/.exec(v);
    if (m === null) return false;
    const keyword = m[1]!.toLowerCase();
    const value = m[2]!;
    if (SSH_OFF_ONLY.has(keyword)) return value.toLowerCase() === 'no';
    if (SSH_ALGORITHMS.has(keyword)) return PLAIN.test(value.replace(/^[+^-]/, ''));
    return SSH_KEYWORDS.has(keyword) && PLAIN.test(value);
  },
};

const SSH: Grammar = {
  flags: '46aCqTtvx',
  valued: { p: NUMBER, l: PLAIN, i: PLAIN, c: PLAIN, m: PLAIN, o: SSH_OPTION },
  long: {},
};

/** rsync's remote shell given as ssh itself (`-e ssh`, `--rsh=ssh`): what rsync runs without it. */
const SSH_ONLY: Value = { test: (v) => v === 'ssh' };

const RSYNC: Grammar = {
  flags: 'acDghHlopPqrsStvWxyz46',
  valued: { e: SSH_ONLY },
  long: {
    rsh: SSH_ONLY,
    'no-whole-file': true,
    progress: true,
    'protect-args': true,
    'append-verify': true,
    fuzzy: true,
    'no-motd': true,
    'no-perms': true,
    'no-owner': true,
    'no-group': true,
    'size-only': true,
    chmod: PLAIN,
    info: PLAIN,
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
    'no-random-seed-file': true,
    'personal-cipher-preferences': PLAIN,
    'personal-digest-preferences': PLAIN,
    'personal-compress-preferences': PLAIN,
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
    'merge-output-format': PLAIN,
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

/**
 * The first word that is not an option of the grammar with a plain value (getopt's reading, strictly),
 * with its value when it takes one; null when every word is.
 */
function firstUnsafe(value: string, g: Grammar): string | null {
  if (!PRINTABLE.test(value)) return 'a byte outside printable ASCII';
  const words = value.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const rule = Object.hasOwn(g.long, name) ? g.long[name] : undefined;
      if (rule === undefined) return w;
      if (rule === true) {
        if (eq >= 0) return w;
        continue;
      }
      const v = eq >= 0 ? w.slice(eq + 1) : words[++i];
      if (v === undefined || !rule.test(v)) return eq >= 0 || v === undefined ? w : `${w} ${v}`;
      continue;
    }
    if (!w.startsWith('-') || w.length < 2) return w;
    for (let j = 1; j < w.length; j++) {
      const c = w[j]!;
      if (g.flags.includes(c)) continue;
      const rule = Object.hasOwn(g.valued, c) ? g.valued[c] : undefined;
      if (rule === undefined) return w;
      const inWord = j + 1 < w.length;
      const v = inWord ? w.slice(j + 1) : words[++i];
      if (v === undefined || !rule.test(v)) return inWord || v === undefined ? w : `${w} ${v}`;
      break;
    }
  }
  return null;
}

/**
 * For a git-annex key whose value is options for another program: the first word that may run a
 * command (with its value), null when none may, undefined when the key is no such key. rsync's
 * transport (`annex-rsync-transport`, git-annex's example `ssh -p 2222 -c blowfish`) is ssh with
 * ssh's options, which git-annex hands on as such (Remote/Rsync.hs); any other program runs.
 */
export function annexOptionRunningCommand(key: string, value: string): string | null | undefined {
  if (/^(?:annex\.|remote\..+\.annex-)rsync-transport$/.test(key)) {
    // Split as git-annex splits it (no words: its default, ssh).
    const [program = 'ssh'] = value.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
    const options = value.replace(/^[ \t\n\r\f\v]*ssh/, '');
    return program === 'ssh' || !PRINTABLE.test(value) ? firstUnsafe(options, SSH) : program;
  }
  const g = grammarOf(key);
  return g === undefined ? undefined : firstUnsafe(value, g);
}

/**
 * The `-o Keyword=value` settings in git-annex's ssh options (`remote.<name>.annex-ssh-options`,
 * `annex.ssh-options`), split as git-annex splits them and read as ssh's getopt reads them (bundled
 * flags, `-oKey=value`), keyword lower-cased, the first of each (ssh keeps the first value it obtains).
 */
export function annexSshSettings(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const words = value.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w.startsWith('--')) continue;
    for (let j = 1; j < w.length; j++) {
      const c = w[j]!;
      // ssh's options that take a value (ssh(1)): the rest of the word, else the next word.
      if (!'BbcDEeFIiJLlmOoPpQRSWw'.includes(c)) continue;
      const v = j + 1 < w.length ? w.slice(j + 1) : words[++i];
      const m = c === 'o' && v !== undefined ? /^([A-Za-z0-9]+)=(.*)$/.exec(v) : null;
      if (m && !out.has(m[1]!.toLowerCase())) out.set(m[1]!.toLowerCase(), m[2]!);
      break;
    }
  }
  return out;
}
