import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { toThreadReplacement } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { lastPart, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import {
  FILE_SYSTEM_CALLS, PATH_BUILDERS, PSEUDO_FILE_NAMES, PSEUDO_FILE_PREFIXES, type FileSystemCall,
} from './support/file-system-calls.js';

export default defineRule({
  name: 'blocking-file-io',
  aliases: ['ASYNC230', 'ASYNC231', 'ASYNC240'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports synchronous file I/O inside a coroutine: `open()`, `io.open`, `codecs.open`, `pathlib.Path` reads, writes and checks, `os.path` calls that touch the file system, and directory listings (`os.listdir`, `os.scandir`, `os.walk`). Pseudo-files (paths under `/proc`, `/sys`, `/dev/fd`, and `/dev/null`) and descriptors that are open already (`os.fdopen(fd)`, `open(sys.stdout.fileno())`) are not reported.',
  why: 'Disk and network file systems can take milliseconds to seconds, and a synchronous call holds the event loop for all of it. `aiofiles`, or `await asyncio.to_thread(...)`, does the I/O in a worker thread while other tasks run.',
  bad: `import asyncio
import os.path
from pathlib import Path


async def load_config(name):
    path = Path("config") / name
    if os.path.exists(path):
        return path.read_text()
    return ""
`,
  good: `import asyncio
import os.path
from pathlib import Path


async def load_config(name):
    path = Path("config") / name
    if await asyncio.to_thread(os.path.exists, path):
        return await asyncio.to_thread(path.read_text)
    return ""
`,
  fix: 'Wraps `os.path` calls and `pathlib.Path` reads/writes in `await asyncio.to_thread(...)` when `asyncio` is imported (`open()` has no mechanical fix: the code using the file changes too).',
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    const callee = model.callee(call);
    const known = callee ? FILE_SYSTEM_CALLS.get(callee) : undefined;
    if (!callee || !known || !model.isInCoroutine(call) || doesNoDiskIo(call, callee, known, model)) return;
    if (known.kind === 'open') {
      report(call, `\`${callSnippet(call)}\` opens a file with blocking I/O in ${model.describeContext(call)}; use \`aiofiles.open\` or do the file work in \`await asyncio.to_thread(...)\``);
      return;
    }
    if (known.kind === 'file-system') {
      report(call, `\`${callSnippet(call)}\` touches the file system synchronously in ${model.describeContext(call)}; use \`await asyncio.to_thread(${fn.text}${withArguments(call)})\``, {
        replacement: known.offload ? toThreadReplacement(call, model) ?? undefined : undefined,
      });
      return;
    }
    if (known.kind === 'directory') {
      const listsDirectory = known.offload;
      const instead = listsDirectory ? `\`await asyncio.to_thread(${fn.text}${withArguments(call)})\`` : '`await asyncio.to_thread(...)` around the whole loop';
      report(call, `\`${callSnippet(call)}\` reads a directory synchronously in ${model.describeContext(call)}; use ${instead}`, {
        replacement: listsDirectory ? toThreadReplacement(call, model) ?? undefined : undefined,
      });
      return;
    }
    // Methods are recognised by the callee (`pathlib.Path.read_text`), which the model resolves once per call
    // for every rule, rather than by looking at the syntax tree of each call.
    const method = lastPart(callee);
    const offloadable = known.offload;
    const replacement = offloadable ? toThreadReplacement(call, model) : null;
    const instead = offloadable ? `\`await asyncio.to_thread(${fn.text}${withArguments(call)})\`` : method === 'open' ? '`aiofiles.open` or `await asyncio.to_thread(...)`' : '`await asyncio.to_thread(...)` around the whole loop';
    report(call, `\`${callSnippet(call)}\` does blocking file-system I/O in ${model.describeContext(call)}; use ${instead}`, {
      replacement: replacement ?? undefined,
    });
  },
});

/** Does the call, known to wait on the file system in general, do no disk I/O as written: it names only
 *  pseudo-files (`open("/proc/self/status")`) or open descriptors? */
function doesNoDiskIo(call: Node, callee: string, known: FileSystemCall, model: SemanticModel): boolean {
  const args = argumentsOf(call);
  const receiver = call.childForFieldName('function')?.childForFieldName('object') ?? null;
  // `Path("/proc/self/fd").iterdir()`
  if (known.kind === 'method' && callee.startsWith('pathlib.Path.') && receiver && isPseudoFilePath(receiver, model, 0)) return true;
  const paths = known.paths ?? 1;
  if (paths === 0 || !args || args.positional.length < paths) return false;
  return args.positional.slice(0, paths).every((arg) => isPseudoFilePath(arg, model, 0) || isOpenDescriptor(arg));
}

interface Arguments { positional: Node[]; keywords: Map<string, Node> }

/** A call's arguments; null when some are passed by `*args` / `**kwargs` (then which is which is unknown). */
function argumentsOf(call: Node): Arguments | null {
  const result: Arguments = { positional: [], keywords: new Map() };
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return null;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value');
      if (name && value) result.keywords.set(name, value);
    } else result.positional.push(arg);
  }
  return result;
}

/** `open(0)`, `open(sys.stdout.fileno(), "wb", closefd=False)`, `open(sock.detach())`: a descriptor that is
 *  open already; wrapping it opens nothing on the file system. */
function isOpenDescriptor(arg: Node): boolean {
  if (arg.type === 'integer') return true;
  const method = arg.type === 'call' ? arg.childForFieldName('function') : null;
  return method?.type === 'attribute' && ['fileno', 'detach'].includes(method.childForFieldName('attribute')?.text ?? '');
}

/** The deepest `name = "/proc/..."` chain followed to find a path's text. */
const MAX_PATH_DEPTH = 4;

/** Does the expression name a pseudo-file (`"/proc/self/status"`, `f"/proc/{pid}/stat"`, `Path("/dev/fd")`,
 *  `os.path.join("/sys/class", name)`, `os.devnull`, or a local name only ever bound to one of those)? */
function isPseudoFilePath(expr: Node, model: SemanticModel, depth: number): boolean {
  if (depth > MAX_PATH_DEPTH) return false;
  const next = (node: Node | null | undefined) => !!node && isPseudoFilePath(node, model, depth + 1);
  switch (expr.type) {
    case 'string': return isPseudoFileText(literalPrefix(expr));
    case 'concatenated_string': return next(expr.namedChildren[0]);
    case 'parenthesized_expression': return next(expr.namedChildren.find((child) => child?.type !== 'comment'));
    // `"/proc/" + pid`, `"/proc/%d/stat" % pid`, `Path("/proc") / pid`
    case 'binary_operator': return ['/', '+', '%'].includes(expr.childForFieldName('operator')?.text ?? '') && next(expr.childForFieldName('left'));
    case 'call': {
      const fn = expr.childForFieldName('function');
      // `"/proc/{}/stat".format(pid)`
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format' && fn.childForFieldName('object')?.type === 'string') {
        return next(fn.childForFieldName('object'));
      }
      const builds = PATH_BUILDERS.get(model.callee(expr) ?? '');
      if (builds === 'receiver') return next(fn?.childForFieldName('object'));
      return builds === 'argument' && next(argumentsOf(expr)?.positional[0]);
    }
    case 'attribute': return PSEUDO_FILE_NAMES.has(model.qualifiedName(expr) ?? '');
    case 'identifier': {
      if (PSEUDO_FILE_NAMES.has(model.qualifiedName(expr) ?? '')) return true;
      const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
      return !!found && found.bindings.length > 0 && found.bindings.every((binding) => binding.kind === 'value' && binding.via === 'assign' && next(binding.value));
    }
    default: return false;
  }
}

/** The text a string literal starts with, up to its first interpolation or escape (`/proc/` for `f"/proc/{pid}"`). */
function literalPrefix(string: Node): string {
  const first = string.namedChildren[1];
  return first?.type === 'string_content' ? first.text.split('\\')[0] : '';
}

function isPseudoFileText(text: string): boolean {
  return PSEUDO_FILE_PREFIXES.some((prefix) => text === prefix || text.startsWith(`${prefix}/`));
}

/** `, ...` when the call passes arguments (for the advice `asyncio.to_thread(f, ...)`). */
function withArguments(call: Node): string {
  return call.childForFieldName('arguments')?.namedChildCount ? ', ...' : '';
}
