// The middle both the App and `async-review review` share: analyze the changed files, keep what the filter
// reports, place each finding (inline or summary), fingerprint it, and plan the review.
import { findRule } from '../analyzer/index.js';
import { AnalyzerPool } from '../analyzer/worker-pool.js';
import type { AnalysisResult, ProjectKnowledge, SourceFile } from '../analyzer/types.js';
import type { ProjectContext } from '../analyzer/project/module-source.js';
import { DEFAULT_CONFIG, toAnalyzeOptions, type Config } from '../config/index.js';
import type { FileChanges } from '../diff/hunks.js';
import { placeFindings } from '../diff/placement.js';
import { fingerprintFindings } from '../render/fingerprint.js';
import { planReview, type AppThread, type ReviewItem, type ReviewPlan, type RuleLookup } from '../render/review.js';

export interface ChangeSet {
  /** Sources of the changed files to analyze (already filtered by the config's paths). */
  files: readonly SourceFile[];
  /** What changed in each of them; null when the diff is unknown. */
  changes: ReadonlyMap<string, FileChanges | null>;
  config: Config;
  project?: ProjectKnowledge;
  /** The App's earlier threads on the pull request. */
  threads?: readonly AppThread[];
  /** Where the modules the changed files import are read (the head commit's tree), for cross-module rules. */
  context?: ProjectContext;
  /** Changed files that could not be read: their earlier threads are kept. */
  unreadablePaths?: readonly string[];
}

export interface ReviewOfChanges {
  analysis: AnalysisResult;
  items: ReviewItem[];
  plan: ReviewPlan;
}

export const lookupRule: RuleLookup = (name) => findRule(name);

/** Analysis runs on long-lived threads, off the event loop that answers webhooks and health checks. */
export const analyzerPool = new AnalyzerPool();

export async function reviewChanges(changeSet: ChangeSet): Promise<ReviewOfChanges> {
  const options = toAnalyzeOptions(changeSet.config);
  if (changeSet.project) options.project = { ...changeSet.project, ...options.project };
  // The pool reads the modules the changed files import through the context, and summarizes them first.
  const imports = changeSet.config.imports ?? DEFAULT_CONFIG.imports;
  if (changeSet.context && imports.follow) options.context = { ...changeSet.context, sourceRoots: changeSet.context.sourceRoots ?? imports.source_roots };
  // Files that cannot hold a finding are not parsed; big change sets are split over the pool's threads.
  const analysis = await analyzerPool.analyze(changeSet.files, options);
  const fingerprints = fingerprintFindings(analysis.findings);
  const fingerprintOf = new Map(analysis.findings.map((finding, index) => [finding, fingerprints[index]]));
  const items = placeFindings(analysis.findings, changeSet.changes, changeSet.config.filter).map((placed) => ({
    ...placed,
    fingerprint: fingerprintOf.get(placed.finding)!,
  }));
  const unanalyzedPaths = new Set([...(changeSet.unreadablePaths ?? []), ...analysis.problems.map((p) => p.path)]);
  const plan = planReview(items, {
    maxComments: changeSet.config.review.max_comments,
    threads: changeSet.threads,
    unanalyzedPaths,
  });
  return { analysis, items, plan };
}
