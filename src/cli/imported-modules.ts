// `check` with repository context: the project index of the modules the checked files import, read from
// disk under the repository root and summarized before the files are analyzed.
import { join, relative, sep } from 'node:path';
import type { ParallelAnalyzer } from '../analyzer/parallel.js';
import { buildProjectIndex, type CheckedModule } from '../analyzer/project/build-index.js';
import type { ProjectIndexData } from '../analyzer/project/summary.js';
import { mightHaveFindings } from '../analyzer/engine.js';
import { decodeSource } from '../analyzer/source-text.js';
import type { SourceFile } from '../analyzer/types.js';
import { diskModuleSource, findRepositoryRoot, repositoryPath } from './disk-modules.js';

export async function indexImportedModules(files: readonly SourceFile[], start: string, cwd: string, sourceRoots: readonly string[], analyzer: ParallelAnalyzer): Promise<ProjectIndexData> {
  const root = findRepositoryRoot(start, cwd);
  const checked: CheckedModule[] = [];
  for (const file of files) {
    // Only files that may hold a finding are analyzed: only their imports matter.
    if (file.path === '-' || !mightHaveFindings(file.content)) continue;
    const sourcePath = repositoryPath(file.path, cwd, root);
    if (sourcePath !== null) checked.push({ path: file.path, sourcePath, text: decodeSource(file.content).text });
  }
  const { data } = await buildProjectIndex(checked, { source: diskModuleSource(root), sourceRoots }, (modules) => analyzer.summarize(modules), {
    displayPath: (path) => relative(cwd, join(root, path)).split(sep).join('/'),
  });
  return data;
}
