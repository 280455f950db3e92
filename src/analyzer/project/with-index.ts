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
  // Only files that may hold a finding are analyzed: only their imports matter. Their paths are the
  // repository's (as the App's are).
  const checked = files
    .filter((file) => mightHaveFindings(file.content))
    .map((file) => ({ path: file.path, sourcePath: file.path, text: decodeSource(file.content).text }));
  try {
    const { data } = await buildProjectIndex(checked, context, summarize);
    return { ...rest, project: { ...rest.project, index: data } };
  } catch {
    return rest;
  }
}
