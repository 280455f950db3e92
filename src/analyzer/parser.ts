// One web-tree-sitter runtime and one Python language per process (per worker thread), loaded lazily.
import { createRequire } from 'node:module';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

let loading: Promise<PythonParser> | undefined;

export interface PythonParser {
  language: Language;
  parse(source: string): Tree;
  /** Compile a query once; callers keep the result. */
  query(source: string): Query;
}

export function loadPythonParser(): Promise<PythonParser> {
  loading ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return {
      language,
      parse(source: string): Tree {
        const tree = parser.parse(source);
        if (!tree) throw new Error('tree-sitter returned no tree');
        return tree;
      },
      query: (text: string) => new Query(language, text),
    };
  })();
  return loading;
}
