// Locations used by the benchmarks, resolved from the repository root so that the compiled scripts
// (dist/bench/*.js) and any working directory agree.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
export const corpusDir = join(repoRoot, "bench", "corpus");
export const appCorpusDir = join(repoRoot, "bench", "corpus-apps");
export const moreLibrariesCorpusDir = join(repoRoot, "bench", "corpus-more-libs");
export const debCacheDir = join(repoRoot, "bench", ".cache", "debs");
export const resultsDir = join(repoRoot, "bench", "results");
export const distBench = join(repoRoot, "dist", "bench");
export const cliPath = join(repoRoot, "dist", "src", "cli", "main.js");
