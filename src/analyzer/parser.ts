// One web-tree-sitter runtime and one Python language per process (per worker thread), loaded lazily.
import { createRequire } from 'node:module';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { LimitExceeded, watchWasmMemory, type Budget } from './limits.js';

const require = createRequire(import.meta.url);

let loading: Promise<PythonParser> | undefined;

export interface PythonParser {
  language: Language;
  /** Parse, giving up (LimitExceeded) when `budget` runs out: tree-sitter asks the budget every ~100 steps. */
  parse(source: string, budget?: Budget): Tree;
  /** Compile a query once; callers keep the result. */
  query(source: string): Query;
}

export function loadPythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    // Our own wasm memory (as emscripten would make it: 32 MB to start, up to 2 GB), so that a file's budget
    // can see how much tree-sitter allocates while parsing it.
    const wasmMemory = new WebAssembly.Memory({ initial: 512, maximum: 32_768 });
    watchWasmMemory(wasmMemory);
    await Parser.init({ wasmMemory } as object);
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return {
      language,
      parse(source: string, budget?: Budget): Tree {
        const tree = budget ? parser.parse(source, null, { progressCallback: budget.cancel }) : parser.parse(source);
        if (!tree) {
          // Cancelled: the next parse must start from the beginning, not resume this one.
          parser.reset();
          budget?.throwIfExceeded();
          throw new Error('tree-sitter returned no tree');
        }
        return tree;
      },
      query: (text: string) => new Query(language, text),
    };
  })();
  return loading;
}

