// The shape of bench/results.json: everything BENCHMARKS.md shows, machine-readable.
import type { CliProfile } from "./cli-profile.js";
import type { CorpusManifest } from "./corpus.js";
import type { CorpusTiming } from "./corpus-timing.js";
import type { FindingsComparison } from "./findings-compare.js";
import type { MachineInfo } from "./machine.js";
import type { SizePoint } from "./size-scaling.js";
import type { FuzzResults } from "./fuzz.js";

export interface AppScenario {
  latencyMs: number;
  changedFiles: number;
  /** From the webhook delivery to the POST that created the review (undefined: no review was posted). */
  reviewPostedMs?: number;
  /** From the webhook delivery to the check run's PATCH with status completed. */
  checkCompletedMs?: number;
  /** From the webhook delivery to the answer of the App's last request (later annotation batches included). */
  lastRequestMs?: number;
  apiRequests: number;
  writes: number;
  annotationBatches: number;
  /** Requests after the first request that carried annotations (the target counts these). */
  requestsBeyondFirstAnnotationBatch: number;
  /** Requests that could not overlap: each one started after the previous one had answered. */
  sequentialRoundTrips: number;
  peakRssMb: number;
  findings: number;
  inlineComments: number;
  conclusion?: string;
  error?: string;
  /** Every request the App made, in order: when it started and was answered, relative to the delivery. */
  timeline: { request: string; startMs: number; endMs: number; status: number }[];
}

export interface AppResults { scenarios: AppScenario[]; skipped?: string; notes: string[] }

/** One review in the repository-context benchmark (bench/app-context.ts). */
export interface AppContextRun {
  withContext: boolean;
  push: "opened" | "synchronize";
  latencyMs: number;
  reviewPostedMs?: number;
  checkCompletedMs?: number;
  /** Token requests not counted. */
  apiRequests: number;
  treeRequests: number;
  contextQueries: number;
  inlineComments: number;
  peakRssMb: number;
  timeline: { request: string; startMs: number; endMs: number; status: number }[];
}

interface WithoutWith { without: number; with: number }

export interface AppContextResults {
  repetitions: number;
  runs: AppContextRun[];
  /** Medians per push, without and with context. */
  summary: { push: "opened" | "synchronize"; reviewPostedMs: WithoutWith; checkCompletedMs: WithoutWith; apiRequests: WithoutWith; peakRssMb: WithoutWith }[];
  /** The context reads alone (tree, then two levels of imports), as the analyzer makes them. */
  reads?: { latencyMs: number; treeMs: number; totalMs: number; requests: number; modulesAnswered: number; modulesFetched: number; bytesFetched: number; prefetchHits: number; unknown: number };
  skipped?: string;
}

export interface IntakeBurst {
  label: string;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of each repetition (p50Ms and p99Ms are their medians). */
  p99PerRepetitionMs?: number[];
  statusCounts: Record<string, number>;
}

export interface IntakeResults {
  /** Independent repetitions, each with a fresh App process. */
  repetitions?: number;
  /** Deliveries per burst, all sent at once (one connection each). */
  deliveries: number;
  bursts: IntakeBurst[];
  skipped?: string;
}

export interface LoadScenario {
  label: string;
  deliveries: number;
  /** Check runs completed (each a review, a superseded notice or a re-run). */
  reviews: number;
  reviewedHeads: number;
  reviewsPerMinute: number;
  /** From the first delivery to the last check run completed. */
  drainSeconds: number;
  /** From the first delivery announcing a head to its first completed check run. */
  p95TimeToReviewSeconds: number;
  webhookP50Ms: number;
  webhookP99Ms: number;
  /** Peak resident memory of each process that ran reviews. */
  workerPeakRssMb: number[];
  /** Peak resident memory of the App process that took the webhooks. */
  intakePeakRssMb: number;
  apiRequests: number;
  /** Broken guarantees (none expected). */
  problems: string[];
}

export interface LoadResults {
  pulls: number;
  deliveries: number;
  windowSeconds: number;
  latencyMs: number;
  scenarios: LoadScenario[];
  skipped?: string;
}

export interface BenchResults {
  mode: "full" | "quick";
  machine: MachineInfo;
  corpus: Omit<CorpusManifest, "dir">;
  corpusTiming?: Omit<CorpusTiming, "lastOutput">;
  findings?: FindingsComparison;
  sizeScaling?: SizePoint[];
  /** Bounded analysis: mutated corpus files and pathological shapes, time per KB against the corpus median. */
  fuzz?: FuzzResults;
  /** CPU time by bucket from one --cpu-prof run of the CLI and of the parse floor on the corpus. */
  cpuProfiles?: { cli: CliProfile; parseFloor: CliProfile };
  app?: AppResults;
  appContext?: AppContextResults;
  intake?: IntakeResults;
  journal?: import("./journal.js").JournalResults;
  load?: LoadResults;
  errors: string[];
  /** When each part was measured (they differ after a partial rerun with --only). */
  measuredAt: Record<string, string>;
}
