/**
 * A small regular-expression engine that runs in time linear in the text (Thompson's construction,
 * simulated one character at a time), so that no pattern a user stores can hang the service.
 * Supported: literals, `.`, classes `[a-z]` `[^...]`, escapes `\d \w \s \D \W \S \b \B` and escaped
 * punctuation, anchors `^ $`, groups `(...)` `(?:...)`, `|`, and the quantifiers `* + ? {m} {m,} {m,n}`
 * (greedy or lazy, which is the same for a yes/no match). Backreferences and lookaround need
 * backtracking and are rejected.
 */

type CharTest = (c: string) => boolean;

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B' }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number | null }
  | { t: 'empty' };

type State =
  | { t: 'char'; test: CharTest; out: number }
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B'; out: number }
  | { t: 'split'; a: number; b: number }
  | { t: 'match' };

export class RegexSyntaxError extends Error {}

const MAX_PATTERN = 500;
const MAX_STATES = 20_000;
const MAX_REPEAT = 100;

const isWord = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';
const isSpace = (c: string) => /\s/.test(c);

export interface SafeRegex {
  test(text: string): boolean;
}

/** Compiles a pattern, throwing RegexSyntaxError with a reason when it is not in the supported subset. */
export function compileSafeRegex(pattern: string, ignoreCase = true): SafeRegex {
  if (pattern.length > MAX_PATTERN) throw new RegexSyntaxError(`longer than ${MAX_PATTERN} characters`);
  const ast = new Parser(pattern, ignoreCase).parse();
  const states: State[] = [{ t: 'match' }];
  const start = build(ast, states, 0);
  return { test: (text) => run(states, start, ignoreCase ? text.toLowerCase() : text) };
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly fold: boolean,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new RegexSyntaxError(`unmatched ")" at ${this.i}`);
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return items.length === 0 ? { t: 'empty' } : items.length === 1 ? items[0] : { t: 'cat', items };
  }

  private quantified(node: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number | null;
    if (c === '*') [min, max] = [0, null];
    else if (c === '+') [min, max] = [1, null];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
      if (max !== null && max < min) throw new RegexSyntaxError('a {m,n} quantifier needs m <= n');
      if (min > MAX_REPEAT || (max ?? 0) > MAX_REPEAT) throw new RegexSyntaxError(`repeat counts above ${MAX_REPEAT}`);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    if (this.src[this.i] === '?') this.i++;
    if (node.t === 'assert') throw new RegexSyntaxError('an anchor cannot be repeated');
    if ('*+?{'.includes(this.src[this.i] ?? '') && this.src[this.i] !== undefined)
      throw new RegexSyntaxError(`nested quantifier at ${this.i}`);
    return { t: 'repeat', node, min, max };
  }

  private atom(): Node {
    const c = this.src[this.i++];
    if (c === '(') {
      if (this.src[this.i] === '?') {
        if (this.src[this.i + 1] !== ':') throw new RegexSyntaxError('lookaround and named groups are not supported');
        this.i += 2;
      }
      const inner = this.alternation();
      if (this.src[this.i] !== ')') throw new RegexSyntaxError('unclosed group');
      this.i++;
      return inner;
    }
    if (c === '*' || c === '+' || c === '?') throw new RegexSyntaxError(`nothing to repeat at ${this.i - 1}`);
    if (c === '.') return { t: 'char', test: (x) => x !== '\n' };
    if (c === '^' || c === '$') return { t: 'assert', kind: c };
    if (c === '[') return { t: 'char', test: this.charClass() };
    if (c === '\\') {
      const e = this.src[this.i++];
      if (e === undefined) throw new RegexSyntaxError('a pattern cannot end with "\\"');
      if (e === 'b' || e === 'B') return { t: 'assert', kind: e };
      if (/[1-9k]/.test(e)) throw new RegexSyntaxError('backreferences are not supported');
      return { t: 'char', test: this.escape(e) };
    }
    return { t: 'char', test: this.literal(c) };
  }

  private literal(c: string): CharTest {
    const l = this.fold ? c.toLowerCase() : c;
    return (x) => x === l;
  }

  private escape(e: string): CharTest {
    switch (e) {
      case 'd':
        return isDigit;
      case 'D':
        return (x) => !isDigit(x);
      case 'w':
        return isWord;
      case 'W':
        return (x) => !isWord(x);
      case 's':
        return isSpace;
      case 'S':
        return (x) => !isSpace(x);
      case 'n':
        return (x) => x === '\n';
      case 't':
        return (x) => x === '\t';
      default:
        if (/[A-Za-z0-9]/.test(e)) throw new RegexSyntaxError(`unsupported escape "\\${e}"`);
        return this.literal(e);
    }
  }

  private charClass(): CharTest {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const tests: CharTest[] = [];
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let c = this.src[this.i++];
      if (c === '\\') {
        const e = this.src[this.i++];
        if (e === undefined) break;
        if ('dDwWsS'.includes(e)) {
          tests.push(this.escape(e));
          continue;
        }
        c = e === 'n' ? '\n' : e === 't' ? '\t' : e;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        let hi = this.src[this.i++];
        if (hi === '\\') hi = this.src[this.i++];
        if (hi < c) throw new RegexSyntaxError(`range out of order "${c}-${hi}"`);
        const [lo, up] = [c, hi];
        tests.push(this.fold ? (x) => inRange(x, lo, up) || inRange(x.toUpperCase(), lo, up) : (x) => inRange(x, lo, up));
      } else tests.push(this.literal(c));
    }
    if (this.src[this.i] !== ']') throw new RegexSyntaxError('unclosed character class');
    this.i++;
    return negate ? (x) => x !== '\n' && !tests.some((t) => t(x)) : (x) => tests.some((t) => t(x));
  }
}

const inRange = (x: string, lo: string, hi: string) => x >= lo && x <= hi;

/** Appends the states of `node` whose exit goes to `next` (state 0 is the match); returns the entry state. */
function build(node: Node, states: State[], next: number): number {
  if (states.length > MAX_STATES) throw new RegexSyntaxError('pattern too large');
  const push = (s: State) => states.push(s) - 1;
  switch (node.t) {
    case 'empty':
      return next;
    case 'char':
      return push({ t: 'char', test: node.test, out: next });
    case 'assert':
      return push({ t: 'assert', kind: node.kind, out: next });
    case 'cat': {
      let entry = next;
      for (let k = node.items.length - 1; k >= 0; k--) entry = build(node.items[k], states, entry);
      return entry;
    }
    case 'alt': {
      const exit = next;
      const entries = node.options.map((o) => build(o, states, exit));
      let entry = entries[entries.length - 1];
      for (let k = entries.length - 2; k >= 0; k--) entry = push({ t: 'split', a: entries[k], b: entry });
      return entry;
    }
    case 'repeat': {
      let entry = next;
      if (node.max === null) {
        const loop = push({ t: 'split', a: -1, b: entry });
        const body = build(node.node, states, loop);
        (states[loop] as { a: number }).a = body;
        entry = loop;
      } else {
        for (let k = node.max; k > node.min; k--) {
          const body = build(node.node, states, entry);
          entry = push({ t: 'split', a: body, b: entry });
        }
      }
      for (let k = 0; k < node.min; k++) entry = build(node.node, states, entry);
      return entry;
    }
  }
}

function run(states: State[], start: number, text: string): boolean {
  let current = new Set<number>();
  const add = (set: Set<number>, s: number, pos: number) => {
    const stack = [s];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (set.has(i)) continue;
      set.add(i);
      const st = states[i];
      if (st.t === 'split') stack.push(st.b, st.a);
      else if (st.t === 'assert' && holds(st.kind, text, pos)) stack.push(st.out);
    }
  };
  for (let pos = 0; pos <= text.length; pos++) {
    add(current, start, pos);
    for (const i of current) if (states[i].t === 'match') return true;
    if (pos === text.length) break;
    const c = text[pos];
    const next = new Set<number>();
    for (const i of current) {
      const st = states[i];
      if (st.t === 'char' && st.test(c)) add(next, st.out, pos + 1);
    }
    current = next;
  }
  return false;
}

function holds(kind: '^' | '$' | 'b' | 'B', text: string, pos: number): boolean {
  if (kind === '^') return pos === 0;
  if (kind === '$') return pos === text.length;
  const boundary = (pos > 0 && isWord(text[pos - 1])) !== (pos < text.length && isWord(text[pos]));
  return kind === 'b' ? boundary : !boundary;
}
