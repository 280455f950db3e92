// Turns AnalyzeOptions' repository context into plain data before any file is analyzed: the project index of
// the modules the files import (read through the context's ModuleSource, summarized by the caller's threads).
import type { AnalyzeOptions, SourceFile } from '../types.js';
import { mightHaveFindings } from '../engine.js';
import { decodeSource } from '../source-text.js';
import { buildProjectIndex, type CheckedModule, type Summarizer } from './build-index.js';

/** A checked file as the index sees it. Only the imports of a file that may hold a finding are followed; one
 *  that says nothing async is only named, so that if it calls a coroutine the index holds it is analyzed with
 *  the index (mightHaveFindings). */
export function checkedModule(path: string, sourcePath: string, content: SourceFile['content']): CheckedModule {
  return mightHaveFindings(content) ? { path, sourcePath, text: decodeSource(content).text } : { path, sourcePath, text: '', followImports: false };
}

/** `options` without `context`, and with `project.index` when there was one. A context that fails (its source
 *  cannot list or read) leaves the index out: the cross-module questions stay unknown, the analysis goes on. */
export async function withProjectIndex(files: readonly SourceFile[], options: AnalyzeOptions, summarize: Summarizer): Promise<AnalyzeOptions> {
  const { context, ...rest } = options;
  if (!context) return rest;
  // Their paths are the repository's (as the App's are).
  const checked = files.map((file) => checkedModule(file.path, file.path, file.content));
  try {
    const { data } = await buildProjectIndex(checked, context, summarize);
    return { ...rest, project: { ...rest.project, index: data } };
  } catch {
    return rest;
  }
}
