/**
 * Splits a shell block into simple commands, enough to check what the docs ask a reader to
 * run. Not a shell: it knows quotes, backslash-newline, comments, `&& || | ; &`, redirections
 * and leading `NAME=value` assignments, which is all the pages use.
 */

export interface Command {
  argv: string[];
}

const OPERATORS = ['&&', '||', '|', ';', '&', '(', ')'];

/** Words and separators of `code`; a separator is `null`. Redirections drop their target. */
function scan(code: string): (string | null)[] {
  const out: (string | null)[] = [];
  let word: string | undefined;
  let skipNext = false;
  const end = () => {
    if (word !== undefined) {
      if (!skipNext) out.push(word);
      else skipNext = false;
    }
    word = undefined;
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '\\' && code[i + 1] === '\n') {
      i++; // line continuation
    } else if (c === "'" || c === '"') {
      const close = code.indexOf(c, i + 1);
      const stop = close === -1 ? code.length : close;
      word = (word ?? '') + code.slice(i + 1, stop);
      i = stop;
    } else if (c === '#' && word === undefined) {
      while (i < code.length && code[i] !== '\n') i++;
      i--; // let the newline end the command
    } else if (c === '\n' || c === ' ' || c === '\t') {
      end();
      if (c === '\n') out.push(null);
    } else if (c === '<' || c === '>') {
      if (word !== undefined && /^\d+$/.test(word)) word = undefined; // 2>, the fd
      end();
      while (code[i + 1] === '>' || code[i + 1] === '&') i++;
      if (/\d/.test(code[i + 1] ?? ''))
        i++; // 2>&1
      else skipNext = true; // the file is not an argument
    } else {
      const op = OPERATORS.find((candidate) => code.startsWith(candidate, i));
      if (op) {
        end();
        out.push(null);
        i += op.length - 1;
      } else {
        word = (word ?? '') + c;
      }
    }
  }
  end();
  return out;
}

/** The simple commands of a block, leading `NAME=value` assignments removed. */
export function commands(code: string): Command[] {
  const result: Command[] = [];
  let argv: string[] = [];
  for (const item of [...scan(code), null]) {
    if (item !== null) {
      if (argv.length === 0 && /^[A-Za-z_]\w*=/.test(item)) continue;
      argv.push(item);
    } else if (argv.length) {
      result.push({ argv });
      argv = [];
    }
  }
  return result;
}

/** `@scope/name@1.2.3` → ['@scope/name', '1.2.3']; no version → [spec, undefined]. */
export function splitSpec(spec: string): [string, string | undefined] {
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
}

/** Repository paths a block mentions (code, strings and comments alike). */
export function repoPaths(code: string): string[] {
  const pattern =
    /(?:^|[\s"'=(])(?:\.\/)?((?:apps|packages|infra|docs|scripts|\.ci|\.vscode)\/[\w.@/-]*[\w/])/g;
  return [...code.matchAll(pattern)].map((match) => (match[1] ?? '').replace(/\/$/, ''));
}

/** The `--filter` values of a pnpm or turbo command line: `--filter X`, `--filter=X`, `-F X`. */
export function filters(argv: readonly string[]): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--filter' || arg === '-F') values.push(argv[i + 1] ?? '');
    else if (arg.startsWith('--filter=')) values.push(arg.slice('--filter='.length));
  });
  return values;
}

/** A pnpm filter's package name: `@x/y...`, `...@x/y`, `@x/y^...` → `@x/y`. */
export function filterPackage(filter: string): string {
  return filter.replace(/^\.\.\./, '').replace(/\^?\.\.\.$/, '');
}
