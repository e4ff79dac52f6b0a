/**
 * Reads the fenced code blocks of a Markdown page, and the attributes of shell blocks.
 *
 * A shell block opts in to being run by CI with its info string, which GitHub still
 * highlights as sh:
 *
 *     ```sh runnable                                       exits 0
 *     ```sh runnable expect-exit=5                         exits 5 (what the text promises)
 *     ```sh runnable expect-stdout="2 ticket(s) match"     exits 0 and prints that
 *     ```sh runnable background wait=http://127.0.0.1:3000/health
 *                                  a server: started, ready once that URL answers 2xx, kept
 *                                  running for the later blocks, stopped with Ctrl-C (SIGINT)
 *                                  at the end of the page, and then it must exit 0
 *     ```sh runnable timeout=60                            a slower block (seconds; default 30)
 */

export interface Fence {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string, trimmed: `sh runnable background wait=...`. */
  info: string;
  code: string;
}

export interface ShellBlock {
  /** Repo-relative path of the page. */
  file: string;
  line: number;
  code: string;
  runnable: boolean;
  background: boolean;
  /** Background blocks: the URL that answers 2xx once the server is ready. */
  wait: string | undefined;
  expectExit: number;
  expectStdout: string | undefined;
  timeoutMs: number;
}

/** Info-string languages that are shell commands a reader types. */
export const SHELL_LANGUAGES: ReadonlySet<string> = new Set(['sh', 'bash', 'shell']);
const FLAGS = new Set(['runnable', 'background']);
const KEYS = new Set(['wait', 'expect-exit', 'expect-stdout', 'timeout']);
const DEFAULT_TIMEOUT_S = 30;

/** Every fenced block (``` or ~~~, indented inside list items too), in page order. */
export function parseFences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const fences: Fence[] = [];
  let open: { line: number; indent: number; marker: string; info: string; body: string[] } | null =
    null;
  for (const [index, text] of lines.entries()) {
    const match = /^( *)(`{3,}|~{3,})(.*)$/.exec(text);
    if (!open) {
      // A backtick fence's info string cannot hold backticks (CommonMark), so "```x```" is code.
      if (match && !(match[2]?.startsWith('`') && match[3]?.includes('`'))) {
        const [, indent = '', marker = '', info = ''] = match;
        open = { line: index + 1, indent: indent.length, marker, info: info.trim(), body: [] };
      }
      continue;
    }
    const [, , marker = '', rest = ''] = match ?? [];
    if (
      match &&
      marker[0] === open.marker[0] &&
      marker.length >= open.marker.length &&
      !rest.trim()
    ) {
      fences.push({ line: open.line, info: open.info, code: `${open.body.join('\n')}\n` });
      open = null;
      continue;
    }
    // Content lines lose up to the fence's own indentation, as CommonMark strips it.
    const strip = Math.min(open.indent, text.length - text.trimStart().length);
    open.body.push(text.slice(strip));
  }
  if (open) throw new Error(`unclosed code fence at line ${open.line}`);
  return fences;
}

/** `sh runnable wait="a b" x=1` → ['sh', 'runnable', ['wait', 'a b'], ['x', '1']]. */
function infoWords(info: string): (string | [string, string])[] {
  const words: (string | [string, string])[] = [];
  for (const match of info.matchAll(/([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S*))|(\S+)/g)) {
    const [, key, doubleQuoted, singleQuoted, bare, word] = match;
    words.push(key ? [key, doubleQuoted ?? singleQuoted ?? bare ?? ''] : (word ?? ''));
  }
  return words;
}

/**
 * The shell blocks of one page, with their attributes. Throws on an attribute it does not
 * know (a typo such as `runable` must not quietly turn a block off).
 */
export function shellBlocks(file: string, markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  for (const fence of parseFences(markdown)) {
    const [language, ...words] = infoWords(fence.info);
    if (typeof language !== 'string' || !SHELL_LANGUAGES.has(language)) continue;
    const where = `${file}:${fence.line}`;
    const flags = new Set<string>();
    const values = new Map<string, string>();
    for (const word of words) {
      if (typeof word === 'string' && FLAGS.has(word)) flags.add(word);
      else if (typeof word !== 'string' && KEYS.has(word[0])) values.set(word[0], word[1]);
      else throw new Error(`${where}: unknown code block attribute "${String(word)}"`);
    }
    const block: ShellBlock = {
      file,
      line: fence.line,
      code: fence.code,
      runnable: flags.has('runnable'),
      background: flags.has('background'),
      wait: values.get('wait'),
      expectExit: Number(values.get('expect-exit') ?? 0),
      expectStdout: values.get('expect-stdout'),
      timeoutMs: Number(values.get('timeout') ?? DEFAULT_TIMEOUT_S) * 1000,
    };
    const problem =
      (flags.size > 0 || values.size > 0) && !block.runnable
        ? 'attributes without "runnable"'
        : block.background && !block.wait
          ? 'a background block needs wait=<url>'
          : block.background && (values.has('expect-exit') || values.has('expect-stdout'))
            ? 'a background block is stopped with Ctrl-C and must exit 0; no expect-*'
            : !Number.isInteger(block.expectExit) || !(block.timeoutMs > 0)
              ? 'expect-exit and timeout take numbers'
              : undefined;
    if (problem) throw new Error(`${where}: ${problem}`);
    blocks.push(block);
  }
  return blocks;
}
