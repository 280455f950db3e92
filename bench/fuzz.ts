// Part 1c: bounded analysis under fuzzing. Mutations of real async modules from bench/corpus (seeded, so every run
// makes the same files) and synthetic pathological shapes (deep nesting of every bracket, operator and statement
// kind, stacked decorators, comment runs with odd whitespace, closing and unclosed runs, unterminated strings,
// huge lines, NUL bytes, invalid UTF-8), each at several sizes, analyzed one file at a time on the App's analyzer
// pool (src/analyzer/worker-pool.ts: the real per-file deadline and thread replacement) and timed. The figure
// that matters is each file's time per KB against the median time per KB of real corpus files measured the same
// way: no file may cost more than 20× that.
// Run alone: `node dist/bench/fuzz.js [--quick] [--json]`; `npm run bench -- --only fuzz` stores it in results.json.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AnalyzerPool } from "../src/analyzer/worker-pool.js";
import type { AnalysisResult } from "../src/analyzer/types.js";
import { mightHaveFindings } from "../src/analyzer/engine.js";
import { median } from "./measure.js";
import { corpusDir } from "./paths.js";
import { listPythonFiles } from "./python-files.js";

export const FUZZ_TARGET_RATIO = 20;

export interface FuzzCase {
  name: string;
  kind: "shape" | "mutation";
  bytes: number;
  ms: number;
  usPerKb: number;
  /** usPerKb / the corpus median per KB. */
  ratio: number;
  findings: number;
  /** The problems reported for the file (shortened). */
  problems: string[];
}

export interface FuzzResults {
  seed: number;
  sizesKb: number[];
  corpusFiles: number;
  corpusMedianUsPerKb: number;
  targetRatio: number;
  cases: FuzzCase[];
  /** Cases over the target. */
  over: number;
  worst: FuzzCase;
  /** Files a thread gave up on (time or memory limit, stack overflow, a stopped thread). */
  notAnalyzed: number;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = "import asyncio\nimport time\n\n\nasync def first():\n    time.sleep(1)\n\n\n";

/** `open` × n + `middle` + `close` × n, n chosen to fill `bytes`. */
const nest = (open: string, middle: string, close: string, prefix = "x = ") => (bytes: number) => {
  const n = Math.max(1, Math.floor((bytes - HEADER.length - prefix.length) / (open.length + close.length)));
  return `${HEADER}${prefix}${open.repeat(n)}${middle}${close.repeat(n)}\n`;
};

/** One statement kind nested in itself, one more space of indentation per level (depth ~ √(2 × bytes)). */
const nestStatements = (head: string, tail = "", inAsync = true) => (bytes: number) => {
  const lines: string[] = [];
  let size = 0;
  const base = inAsync ? 1 : 0;
  for (let depth = 0; size < bytes / 2; depth++) {
    const line = `${" ".repeat(depth + base)}${head}\n`;
    lines.push(line);
    size += line.length + (tail ? depth + base + tail.length + 1 : 0);
  }
  const depth = lines.length;
  const body = `${" ".repeat(depth + base)}await asyncio.sleep(0)\n`;
  const tails = tail ? Array.from({ length: depth }, (_, i) => `${" ".repeat(depth - i - 1 + base)}${tail}\n${" ".repeat(depth - i + base)}pass\n`).join("") : "";
  return `${HEADER}${inAsync ? "async def nested():\n" : ""}${lines.join("")}${body}${tails}`;
};

/** `unit` repeated to fill `bytes`, inside `before`/`after`. */
const repeat = (unit: (i: number) => string, before = "", after = "") => (bytes: number) => {
  const parts = [HEADER, before];
  let size = HEADER.length + before.length + after.length;
  for (let i = 0; size < bytes; i++) {
    const piece = unit(i);
    parts.push(piece);
    size += piece.length;
  }
  parts.push(after);
  return parts.join("");
};

const ASYNC_LIST = (bytes: number) => {
  // A list literal of `async def` lines at growing indentation, CRLF (Python rejects it; tree-sitter's recovery
  // once dropped the whole file silently at 511 lines).
  const lines = ["import time\r\n", "x = [\r\n", "async def first():\r\n", " time.sleep(1)\r\n"];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const line = `${" ".repeat(i)}async def f${i}():\r\n`;
    lines.push(line);
    size += line.length;
  }
  return `${lines.join("")}]\r\n`;
};

/** The synthetic shapes: name → file of about the given size. Strings, or bytes for invalid UTF-8. */
export const shapes: Record<string, (bytes: number) => string | Uint8Array> = {
  "nested calls": nest("f(a, ", "1", ")"),
  "nested parentheses": nest("(", "1", ")"),
  "nested lists": nest("[", "1", "]"),
  "nested dicts": nest("{1: ", "1", "}"),
  "nested subscripts": nest("a[", "1", "]"),
  "nested not": nest("not ", "y", ""),
  "nested not (…)": nest("not (", "y", ")"),
  "nested unary minus": nest("-", "1", ""),
  "nested await": nest("await ", "y", "", "async def g():\n    x = "),
  "nested lambdas": nest("lambda: ", "y", ""),
  "nested conditional expressions": nest("a() if b() else ", "c", ""),
  "nested walrus": nest("(y := ", "1", ")"),
  "nested star expressions": nest("[*", "[1]", "]"),
  "nested f-strings": nest('f"{', "x", '}"'),
  "attribute chain": nest("", "a", ".b", "async def g():\n    x = "),
  "call chain": nest("", "a", ".b(c)", "async def g():\n    x = "),
  "binary chain": nest("", "a", " + a"),
  "boolean chain": nest("", "a", " or a", "async def g():\n    if "),
  "comparison chain": nest("", "a", " < a"),
  "nested if": nestStatements("if x:"),
  "nested for": nestStatements("for x in y:"),
  "nested while": nestStatements("while x:"),
  "nested async with": nestStatements("async with x:"),
  "nested try/except CancelledError": nestStatements("try:", "except asyncio.CancelledError:"),
  "nested try/finally": nestStatements("try:", "finally:"),
  "nested async def": nestStatements("async def f():", "", false),
  "nested class": nestStatements("class C:", "", false),
  "nested match": nestStatements("match x:\n case 1:"),
  "stacked decorators": repeat(() => "@dec(a)\n", "", "async def g():\n    time.sleep(1)\n"),
  "try/except CancelledError blocks": repeat(() => "    try:\n        await g()\n    except asyncio.CancelledError:\n        pass\n", "async def many():\n"),
  "async defs": repeat((i) => `async def f${i}():\n    await g()\n\n`),
  "comment lines": repeat(() => "# a comment line\n"),
  "comment lines with form feeds": repeat(() => "#\f comment\n\f\n"),
  "comment lines with odd whitespace": repeat((i) => `${["\t", "  ", "\f", "\v", " \f "][i % 5]}# c \t\f\n${i % 3 ? "" : " \t \n"}`),
  "indented comments in a coroutine": repeat(() => "    # comment\n\f\n", "async def g():\n", "    time.sleep(1)\n"),
  "closing lines": repeat(() => ")\n"),
  "closing brackets mixed": repeat((i) => `${")]}"[i % 3]}\n`),
  "unclosed parentheses": repeat(() => "x = f(\n"),
  "unclosed on one line": repeat(() => "(["),
  "unterminated strings": repeat(() => "x = 'abc\n"),
  "unterminated triple quote": (bytes) => `${HEADER}x = """\n${"async def g():\n    await h()\n".repeat(Math.max(1, Math.floor(bytes / 29)))}`,
  "huge line": (bytes) => `${HEADER}x = [${Array.from({ length: Math.max(1, Math.floor(bytes / 6)) }, (_, i) => i % 10000).join(", ")}]\n`,
  "huge string": (bytes) => `${HEADER}x = "${"a".repeat(bytes)}"\n`,
  "NUL bytes": repeat(() => "x = 1\0\0\0\n"),
  "invalid UTF-8": (bytes) => {
    const text = Buffer.from(repeat((i) => `async def f${i}():\n    return "caf\u00e9"\n`)(bytes) as string);
    for (let i = 20; i < text.length; i += 37) text[i] = 0xff;
    return new Uint8Array(text);
  },
  "tabs and spaces mixed": repeat((i) => `async def f${i}():\n\tif x:\n        \tawait g()\n`),
  "lone carriage returns": repeat((i) => `async def f${i}():\r    await g()\r`),
  "async defs in a list literal (CRLF)": ASYNC_LIST,
};

/** Mutations of real code: each takes the text, a random source and another corpus file. */
const mutations: Record<string, (text: string, random: () => number, other: string) => string | Uint8Array> = {
  "stray character": (text, random) => insert(text, random, "$?!`@\\\x01é;:)]}"[Math.floor(random() * 14)]!),
  "deleted span": (text, random) => {
    const at = Math.floor(random() * text.length);
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 200));
  },
  "duplicated lines": (text, random) => {
    const lines = text.split("\n");
    const at = Math.floor(random() * lines.length);
    const block = lines.slice(at, at + 1 + Math.floor(random() * 5));
    return [...lines.slice(0, at), ...Array.from({ length: 50 + Math.floor(random() * 500) }, () => block).flat(), ...lines.slice(at)].join("\n");
  },
  "unclosed bracket": (text, random) => insert(text, random, "([{"[Math.floor(random() * 3)]!),
  "unterminated string": (text, random) => insert(text, random, ['"""', "'", '"', "f'{"][Math.floor(random() * 4)]!),
  "indentation changed": (text, random) => {
    const lines = text.split("\n");
    const at = Math.floor(random() * lines.length);
    lines[at] = " ".repeat(Math.floor(random() * 12)) + lines[at]!.trimStart();
    return lines.join("\n");
  },
  "CRLF and form feeds": (text) => text.replace(/\n/g, "\r\n").replace(/^(\s*#)/gm, "\f$1"),
  "NUL bytes": (text, random) => insert(text, random, "\0".repeat(1 + Math.floor(random() * 64))),
  "invalid UTF-8": (text, random) => {
    const bytes = Buffer.from(text);
    for (let n = 0; n < 20; n++) bytes[Math.floor(random() * bytes.length)] = [0xff, 0xc3, 0x80, 0xfe][Math.floor(random() * 4)]!;
    return new Uint8Array(bytes);
  },
  "truncated": (text, random) => text.slice(0, Math.floor(random() * text.length)),
  "spliced with another file": (text, random, other) => {
    const at = Math.floor(random() * text.length);
    const from = Math.floor(random() * other.length);
    return text.slice(0, at) + other.slice(from, from + 2000 + Math.floor(random() * 20000)) + text.slice(at);
  },
  "region nested deeper": (text, random) => {
    const lines = text.split("\n");
    const at = Math.floor(random() * lines.length);
    const levels = 20 + Math.floor(random() * 200);
    return [...lines.slice(0, at), ...Array.from({ length: levels }, (_, i) => `${" ".repeat(i)}if x:`), ...lines.slice(at).map((line) => " ".repeat(levels) + line)].join("\n");
  },
  "comment block with form feeds": (text, random) => insert(text, random, "\n" + "# licence\f\n\f\n".repeat(200 + Math.floor(random() * 2000))),
};

function insert(text: string, random: () => number, what: string): string {
  const at = Math.floor(random() * text.length);
  return text.slice(0, at) + what + text.slice(at);
}

const sizeOf = (content: string | Uint8Array) => (typeof content === "string" ? Buffer.byteLength(content) : content.byteLength);
const shorten = (message: string) => (message.length > 140 ? `${message.slice(0, 139)}…` : message);

export interface FuzzOptions { quick: boolean; seed?: number; log?: (line: string) => void }

export async function runFuzz({ quick, seed = 20261207, log = () => {} }: FuzzOptions): Promise<FuzzResults> {
  const random = rng(seed);
  const sizesKb = quick ? [32, 128] : [32, 128, 512];
  // One thread, as in the App: files are timed one at a time on it, and a stopped thread is replaced.
  const pool = new AnalyzerPool(1);
  const timed = async (path: string, content: string | Uint8Array): Promise<{ ms: number; result: AnalysisResult }> => {
    const started = performance.now();
    const result = await pool.analyze([{ path, content }]);
    return { ms: performance.now() - started, result };
  };
  const warm = () => timed("warm.py", `${HEADER}${"async def h():\n    await g()\n".repeat(400)}`);
  try {
    for (let i = 0; i < 3; i++) await warm();
    // The baseline: real async modules of 8 KB and more, each analyzed alone on the same thread.
    const real = listPythonFiles(corpusDir)
      .map((path) => ({ path, text: readFileSync(path, "utf8") }))
      .filter(({ text }) => text.length >= 8 * 1024 && text.length <= 400 * 1024 && mightHaveFindings(text) && text.includes("async def"));
    if (real.length === 0) throw new Error(`no corpus files under ${corpusDir}: run \`node dist/bench/corpus.js\` first`);
    const sample = pick(real, quick ? 40 : 100, random);
    const perKb: number[] = [];
    for (const round of [0, 1]) {
      for (const file of sample) {
        const { ms } = await timed(file.path, file.text);
        if (round === 1) perKb.push((ms * 1000) / (Buffer.byteLength(file.text) / 1024));
      }
    }
    const corpusMedianUsPerKb = median(perKb);
    log(`   corpus: median ${corpusMedianUsPerKb.toFixed(0)} µs per KB over ${sample.length} files (target: no file over ${FUZZ_TARGET_RATIO}× that, ${((FUZZ_TARGET_RATIO * corpusMedianUsPerKb) / 1000).toFixed(1)} ms per KB)`);

    const cases: FuzzCase[] = [];
    const run = async (name: string, kind: FuzzCase["kind"], content: string | Uint8Array) => {
      const { ms, result } = await timed(`${name.replace(/\W+/g, "_")}.py`, content);
      const bytes = sizeOf(content);
      const usPerKb = (ms * 1000) / (bytes / 1024);
      const entry: FuzzCase = { name, kind, bytes, ms, usPerKb, ratio: usPerKb / corpusMedianUsPerKb, findings: result.findings.length, problems: result.problems.map((p) => shorten(p.message)) };
      cases.push(entry);
      log(`   ${entry.ratio.toFixed(1).padStart(6)}×  ${(bytes / 1024).toFixed(0).padStart(5)} KB  ${ms.toFixed(0).padStart(6)} ms  ${name}${entry.problems.length ? `  [${entry.problems.join("; ")}]` : ""}`);
      // A replaced thread starts again: its start-up must not count against the next file.
      if (result.problems.some((p) => /time limit|memory|thread|internal/.test(p.message))) await warm();
    };
    for (const [name, make] of Object.entries(shapes)) {
      for (const kb of sizesKb) await run(`${name}, ${kb} KB`, "shape", make(kb * 1024));
    }
    const seeds = pick(real.filter(({ text }) => text.length <= 200 * 1024), quick ? 12 : 30, random);
    for (const [index, file] of seeds.entries()) {
      const names = Object.keys(mutations);
      const chosen = [names[index % names.length]!, ...(random() < 0.5 ? [names[Math.floor(random() * names.length)]!] : [])];
      let content: string | Uint8Array = file.text;
      for (const name of chosen) {
        if (typeof content !== "string") break; // bytes: invalid UTF-8 is the last mutation
        content = mutations[name]!(content, random, seeds[(index + 1) % seeds.length]!.text);
      }
      await run(`${chosen.join(" + ")} (${file.path.slice(corpusDir.length + 1).split("/")[0]}/…/${file.path.split("/").pop()})`, "mutation", content);
    }
    const worst = cases.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const notAnalyzed = cases.filter((c) => c.problems.some((p) => p.startsWith("not analyzed") || p.startsWith("internal error"))).length;
    return { seed, sizesKb, corpusFiles: sample.length, corpusMedianUsPerKb, targetRatio: FUZZ_TARGET_RATIO, cases, over: cases.filter((c) => c.ratio > FUZZ_TARGET_RATIO).length, worst, notAnalyzed };
  } finally {
    pool.close();
  }
}

function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/** The summary lines: each figure beside its target. */
export function fuzzSummary(results: FuzzResults): string[] {
  const slowest = [...results.cases].sort((a, b) => b.ratio - a.ratio).slice(0, 10);
  const target = results.targetRatio;
  return [
    `corpus median: ${results.corpusMedianUsPerKb.toFixed(0)} µs per KB (${results.corpusFiles} files)`,
    `worst file: ${results.worst.ratio.toFixed(1)}× the corpus median per KB (target ≤ ${target}×: ${results.worst.ratio <= target ? "met" : "missed"}) — ${results.worst.name}, ${(results.worst.usPerKb / 1000).toFixed(2)} ms per KB`,
    `files over ${target}×: ${results.over} of ${results.cases.length} (target: 0)`,
    `files not analyzed (deadline, memory, stack): ${results.notAnalyzed}`,
    "slowest per KB:",
    ...slowest.map((c) => `  ${c.ratio.toFixed(1).padStart(6)}×  ${(c.usPerKb / 1000).toFixed(2).padStart(7)} ms/KB  ${(c.bytes / 1024).toFixed(0).padStart(5)} KB  ${c.name}`),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, json: { type: "boolean", default: false }, seed: { type: "string" } } });
  const results = await runFuzz({ quick: values.quick ?? false, seed: values.seed ? Number(values.seed) : undefined, log: values.json ? undefined : (line) => console.log(line) });
  if (values.json) process.stdout.write(JSON.stringify(results) + "\n");
  else console.log(["", ...fuzzSummary(results)].join("\n"));
}

