// A POSIX shell script read into commands, as far as whether a command's failure fails the script
// needs (domain/shell-gate.ts): lists and `&&`/`||`, pipelines and `!`, `( )` and `{ }`, if, while,
// until, for, case, functions, here-documents (their lines are data, not commands), quotes, `$( )` and
// backquotes (kept in the word, run by the reader). Lenient: a token where none is expected is
// skipped, never thrown on; bounded by the text (each character read once).

export interface Word {
  /** The word with its quotes removed (substitutions kept as written). */
  value: string;
  /** The `$( )` and backquoted scripts in it. */
  substitutions: string[];
}

export type Command =
  | { kind: 'simple'; words: Word[]; heredocs: string[] }
  | { kind: 'group'; subshell: boolean; body: Script }
  | { kind: 'if'; clauses: Array<[Script, Script]>; otherwise?: Script }
  | { kind: 'loop'; until: boolean; cond?: Script; body: Script; entered?: boolean }
  | { kind: 'case'; branches: Script[] }
  | { kind: 'function'; name: string; body: Command };

export interface Pipeline {
  negated: boolean;
  commands: Command[];
}

/** Pipelines joined by `&&` / `||` (`ops[i]` between `pipelines[i]` and `pipelines[i + 1]`), maybe run in the background. */
export interface AndOr {
  pipelines: Pipeline[];
  ops: Array<'&&' | '||'>;
  background: boolean;
}

export type Script = AndOr[];

type Token = { op: string; word?: undefined; heredoc?: string } | { op?: undefined; word: Word; heredoc?: undefined };
type OpToken = Extract<Token, { op: string }>;

const OPS = [
  '&&',
  '||',
  ';;',
  ';&',
  '|&',
  '<<-',
  '<<<',
  '<<',
  '>>',
  '>&',
  '<&',
  '&>',
  '>|',
  '|',
  '&',
  ';',
  '(',
  ')',
  '<',
  '>',
];
const OP_START = new Set([...';&|()<>']);
/** A run of characters that stand for themselves in a word. */
const PLAIN = /[^\s;&|()<>\\'"`$]+/y;
const REDIRECTS = new Set(['<<-', '<<<', '<<', '>>', '>&', '<&', '&>', '>|', '<', '>']);

/** The text from `i` to its matching closer (`$(` ... `)`, `` ` `` ... `` ` ``), and the index past it. */
function nested(text: string, i: number, close: string): [string, number] {
  let depth = 1;
  let j = i;
  for (; j < text.length; j += 1) {
    const c = text[j]!;
    if (c === '\\') j += 1;
    else if (close === ')' && c === "'")
      j = Math.max(j, text.indexOf("'", j + 1) < 0 ? text.length : text.indexOf("'", j + 1));
    else if (close === ')' && c === '(') depth += 1;
    else if (c === close && (depth -= 1) === 0) break;
  }
  return [text.slice(i, j), j + 1];
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const pending: Array<{ delim: string; strip: boolean; token: OpToken }> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i += 1;
      continue;
    }
    if (c === '\n') {
      out.push({ op: '\n' });
      i += 1;
      // Here-documents begin on the next line: their lines are data up to the delimiter.
      for (const h of pending) {
        const body: string[] = [];
        while (i < n) {
          const end = text.indexOf('\n', i);
          const line = text.slice(i, end < 0 ? n : end);
          i = end < 0 ? n : end + 1;
          if ((h.strip ? line.replace(/^\t+/, '') : line).replace(/\r$/, '') === h.delim) break;
          body.push(line);
        }
        h.token.heredoc = body.join('\n');
      }
      pending.length = 0;
      continue;
    }
    const op = OP_START.has(c) ? OPS.find((o) => text.startsWith(o, i)) : undefined;
    if (op) {
      const token: OpToken = { op };
      out.push(token);
      i += op.length;
      if (op === '<<' || op === '<<-') {
        while (text[i] === ' ' || text[i] === '\t') i += 1;
        const start = i;
        const word = readWord(text, i);
        i = word[1];
        if (i > start) pending.push({ delim: word[0].value, strip: op === '<<-', token });
        out.push({ word: word[0] });
      }
      continue;
    }
    const [word, next] = readWord(text, i);
    i = next > i ? next : i + 1;
    // A file descriptor before a redirection (`2>&1`) is no word of the command.
    if (/^\d+$/.test(word.value) && (text[i] === '<' || text[i] === '>')) continue;
    out.push({ word });
  }
  return out;
}

function readWord(text: string, start: number): [Word, number] {
  let value = '';
  const substitutions: string[] = [];
  let i = start;
  while (i < text.length) {
    PLAIN.lastIndex = i;
    const run = PLAIN.exec(text);
    if (run) {
      value += run[0];
      i += run[0].length;
      continue;
    }
    const c = text[i]!;
    if (/[\s;&|()<>]/.test(c)) break;
    if (c === '\\') {
      value += text[i + 1] ?? '';
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      value += text.slice(i + 1, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          value += text[i + 1] ?? '';
          i += 2;
        } else if (text.startsWith('$(', i) || text[i] === '`') {
          const [inner, next] = text[i] === '`' ? nested(text, i + 1, '`') : nested(text, i + 2, ')');
          substitutions.push(inner);
          value += text.slice(i, next);
          i = next;
        } else value += text[i++];
      }
      i += 1;
    } else if (text.startsWith('$(', i) || c === '`') {
      const [inner, next] = c === '`' ? nested(text, i + 1, '`') : nested(text, i + 2, ')');
      substitutions.push(inner);
      value += text.slice(i, next);
      i = next;
    } else value += text[i++];
  }
  return [{ value, substitutions }, i];
}

/** Texts read lately and their readings: a step's script is asked many questions, each of which reads it. */
const READ = new Map<string, Script>();
/**
 * What READ may hold before it starts over, in bytes of heap as weigh() guesses them: a reading is
 * some 20 bytes a character of its text, and each entry's own objects and slot some 600 more (a
 * history of 10-byte commands made ~600 bytes an entry). At most some 8 MB.
 */
const READ_BYTES = 8 * 1024 * 1024;
const weigh = (text: string): number => 20 * text.length + 600;
let held = 0;

/**
 * A shell script read into its lists of commands (lenient: see the module's head). The same text is
 * read once while READ holds it; the reading is frozen, as every reader takes it as it is.
 */
export function parseScript(text: string): Script {
  const had = READ.get(text);
  if (had) return had;
  const script = deepFreeze(readScript(text));
  const weight = weigh(text);
  if (weight > READ_BYTES / 4) return script;
  if (held + weight > READ_BYTES) {
    READ.clear();
    held = 0;
  }
  READ.set(text, script);
  held += weight;
  return script;
}

function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

function readScript(text: string): Script {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const reserved = (w: string): boolean => peek()?.word?.value === w && !peek()!.word!.substitutions.length;
  const skipBreaks = (): void => {
    while (peek()?.op === '\n' || peek()?.op === ';') at += 1;
  };
  const list = (until: readonly string[]): Script => {
    const out: Script = [];
    for (;;) {
      skipBreaks();
      const t = peek();
      if (!t || (t.op && [')', ';;', ';&'].includes(t.op)) || (t.word && until.some((u) => reserved(u)))) return out;
      const before = at;
      const ao = andOr();
      if (ao.pipelines.length) out.push(ao);
      if (peek()?.op === '&') {
        ao.background = true;
        at += 1;
      }
      if (at === before) at += 1; // a stray token: skipped
    }
  };
  const andOr = (): AndOr => {
    const ao: AndOr = { pipelines: [], ops: [], background: false };
    for (;;) {
      const p = pipeline();
      if (p.commands.length) ao.pipelines.push(p);
      const op = peek()?.op;
      if ((op !== '&&' && op !== '||') || !p.commands.length) return ao;
      ao.ops.push(op);
      at += 1;
      while (peek()?.op === '\n') at += 1;
    }
  };
  const pipeline = (): Pipeline => {
    const p: Pipeline = { negated: false, commands: [] };
    while (reserved('!')) {
      p.negated = !p.negated;
      at += 1;
    }
    for (;;) {
      const c = command();
      if (!c) return p;
      p.commands.push(c);
      if (peek()?.op !== '|' && peek()?.op !== '|&') return p;
      at += 1;
      while (peek()?.op === '\n') at += 1;
    }
  };
  const expect = (w: string): void => {
    if (reserved(w)) at += 1;
  };
  const command = (): Command | undefined => {
    const t = peek();
    if (!t) return undefined;
    if (t.op === '(') {
      at += 1;
      const body = list([]);
      if (peek()?.op === ')') at += 1;
      return { kind: 'group', subshell: true, body };
    }
    if (reserved('{')) {
      at += 1;
      const body = list(['}']);
      expect('}');
      return { kind: 'group', subshell: false, body };
    }
    if (reserved('if')) {
      at += 1;
      const clauses: Array<[Script, Script]> = [];
      let otherwise: Script | undefined;
      for (;;) {
        const cond = list(['then']);
        expect('then');
        clauses.push([cond, list(['elif', 'else', 'fi'])]);
        if (reserved('elif')) {
          at += 1;
          continue;
        }
        if (reserved('else')) {
          at += 1;
          otherwise = list(['fi']);
        }
        expect('fi');
        return { kind: 'if', clauses, ...(otherwise ? { otherwise } : {}) };
      }
    }
    if (reserved('while') || reserved('until')) {
      const until = reserved('until');
      at += 1;
      const cond = list(['do']);
      expect('do');
      const body = list(['done']);
      expect('done');
      return { kind: 'loop', until, cond, body };
    }
    if (reserved('for') || reserved('select')) {
      // `for x in a b`: literal words, so the body runs at least once (a `$LIST` may be empty).
      const start = at;
      while (peek() && !reserved('do')) at += 1;
      const head = tokens.slice(start + 2, at).filter((t) => t.op !== '\n' && t.op !== ';');
      const entered =
        reserved('do') &&
        tokens[start]?.word?.value === 'for' &&
        head[0]?.word?.value === 'in' &&
        head.length > 1 &&
        head.slice(1).every((t) => t.word && !/[$`*?[]/.test(t.word.value));
      expect('do');
      const body = list(['done']);
      expect('done');
      return { kind: 'loop', until: false, body, entered };
    }
    if (reserved('case')) {
      while (peek() && !reserved('in')) at += 1;
      expect('in');
      const branches: Script[] = [];
      for (;;) {
        skipBreaks();
        if (!peek() || reserved('esac')) break;
        // The patterns up to `)`, then the branch up to `;;` (or `;&`).
        while (peek() && peek()!.op !== ')') at += 1;
        at += 1;
        branches.push(list(['esac']));
        if (peek()?.op === ';;' || peek()?.op === ';&') at += 1;
      }
      expect('esac');
      return { kind: 'case', branches };
    }
    if (reserved('function')) {
      at += 1;
      const name = peek()?.word?.value ?? '';
      at += 1;
      if (peek()?.op === '(' && tokens[at + 1]?.op === ')') at += 2;
      while (peek()?.op === '\n') at += 1;
      const body = command();
      return body ? { kind: 'function', name, body } : undefined;
    }
    if (t.word && tokens[at + 1]?.op === '(' && tokens[at + 2]?.op === ')') {
      at += 3;
      while (peek()?.op === '\n') at += 1;
      const body = command();
      return body ? { kind: 'function', name: t.word.value, body } : undefined;
    }
    const words: Word[] = [];
    const heredocs: string[] = [];
    for (;;) {
      const u = peek();
      if (u?.word) {
        if (words.length === 0 && ['then', 'do', 'done', 'fi', 'else', 'elif', 'esac', '}'].includes(u.word.value))
          break;
        words.push(u.word);
        at += 1;
      } else if (u?.op && REDIRECTS.has(u.op)) {
        if (u.heredoc !== undefined) heredocs.push(u.heredoc);
        at += 1;
        if (peek()?.word) at += 1; // the redirection's target
      } else break;
    }
    return words.length || heredocs.length ? { kind: 'simple', words, heredocs } : undefined;
  };
  const out: Script = [];
  // A stray closer at the top (`)`, `;;`) ends no script: read on past it.
  while (at < tokens.length) {
    out.push(...list([]));
    at += 1;
  }
  return out;
}
