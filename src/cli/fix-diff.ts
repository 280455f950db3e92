// `check --diff`: what `--fix` would change, as a unified diff with git's `a/` and `b/` prefixes (so
// `git apply` takes it), nothing written.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { SourceFile } from '../analyzer/types.js';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const text = (content: Uint8Array | string) => (typeof content === 'string' ? content : decoder.decode(content));

/** One patch per changed file, in the order of `files`. */
export function renderFixDiff(files: readonly SourceFile[], fixed: ReadonlyMap<string, Uint8Array>): string {
  return files
    .filter((file) => fixed.has(file.path))
    .map((file) => createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, text(file.content), text(fixed.get(file.path)!), undefined, undefined, { headerOptions: FILE_HEADERS_ONLY }))
    .join('');
}
