// Turns AnalyzeOptions' repository context into plain data before any file is analyzed: the project index of
// the modules the files import (read through the context's ModuleSource, summarized by the caller's threads).
import type { AnalyzeOptions, SourceFile } from '../types.js';
import { mightHaveFindings } from '../engine.js';
import { decodeSource } from '../source-text.js';
import { buildProjectIndex, type Summarizer } from './build-index.js';

/** `options` without `context`, and with `project.index` when there was one. A context that fails (its source
 *  cannot list or read) leaves the index out: the cross-module questions stay unknown, the analysis goes on. */
export async function withProjectIndex(files: readonly SourceFile[], options: AnalyzeOptions, summarize: Summarizer): Promise<AnalyzeOptions> {
  const { context, ...rest } = options;
  if (!context) return rest;
  // Only the imports of files that may hold a finding are followed; the others are named, so that one calling
  // a coroutine the index holds is analyzed with it (mightHaveFindings). Their paths are the repository's (as
  // the App's are).
  const checked = files.map((file) => mightHaveFindings(file.content)
    ? { path: file.path, sourcePath: file.path, text: decodeSource(file.content).text }
    : { path: file.path, sourcePath: file.path, text: '', followImports: false });
  try {
    const { data } = await buildProjectIndex(checked, context, summarize);
    return { ...rest, project: { ...rest.project, index: data } };
  } catch {
    return rest;
  }
}
