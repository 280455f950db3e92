// What one module tells the others: plain JSON data computed from its text alone (see
// model/module-summary.ts), cached by content, and read by the project index when another module imports it.
// Names are qualified (`billing.db.fetch_invoice`) as the module itself resolves them; the index follows
// re-exports and bases across modules when it answers.

/** Bump when the shape or meaning of a summary changes: cached summaries of another version are ignored. */
export const SUMMARY_VERSION = 5;

/** What calling a function gives: a coroutine, an async generator, an async-only context manager
 *  (`@asynccontextmanager`), or a plain value (`sync`). `unknown`: decorated by something we do not know,
 *  defined twice differently, or anything else that keeps the answer open. */
export type FunctionKind = 'coroutine' | 'async-generator' | 'async-context-manager' | 'sync' | 'unknown';

/** One step where a sync function blocks: the blocking call (`time.sleep`) and its 1-based line. */
export interface BlockingCall {
  call: string;
  line: number;
}

/** A blocking call and the rule that knows it blocks (a chain counts only where that rule is on). */
export interface RuledBlockingCall extends BlockingCall {
  rule: string;
}

export interface FunctionSummary {
  /** 1-based line of the `def`. */
  line: number;
  kind: FunctionKind;
  /** A sync function's calls in its own body that loop-blocking rules report: the first one of each rule. */
  blocks?: RuledBlockingCall[];
  /** A sync function that starts an event loop (`asyncio.run`, `loop.run_until_complete`) unguarded. */
  runsLoop?: BlockingCall;
  /** A sync function's calls of other functions (resolved qualified names), so the index can follow a
   *  blocking call or a loop start through a chain of helpers across modules. */
  calls?: { callee: string; line: number }[];
  /** A property's type (`@property` with a return annotation or one inferable return value). */
  returns?: string;
  /** A plain, undecorated sync function that never returns a value (see model/returns-nothing.ts): awaiting
   *  its call raises TypeError. */
  returnsNothing?: true;
  /** The class a call of this sync function or method gives, as its return annotation names it (`def
   *  make_client() -> Client`); a property's is `returns`. */
  result?: string;
}

export interface ClassSummary {
  line: number;
  /** Base classes as the module resolves them; null for one it cannot name. */
  bases: (string | null)[];
  methods: Record<string, FunctionSummary>;
  /** Instance and class attributes (`self.x = ...`, `x = ...` in the body): their type when inferable. */
  attributes: Record<string, string | null>;
}

export interface ModuleSummary {
  version: number;
  functions: Record<string, FunctionSummary>;
  classes: Record<string, ClassSummary>;
  /** Names bound at module level by imports only (`from .db import fetch` → `pkg.db.fetch`): re-exports. */
  imports: Record<string, string>;
  /** Other names bound at module level (assignments, names bound twice differently): unknown to others. */
  opaque: string[];
  /** Of those, the names bound once to an instance of a class the module names (`db = Database()`, a
   *  module-level singleton): their type. */
  variables?: Record<string, string>;
  /** The modules of `from x import *` statements. */
  starImports: string[];
}

/** A module as the index holds it: where it is, and its summary. */
export interface IndexedModule {
  path: string;
  summary: ModuleSummary;
  /** The isolated root the module lies under (see ProjectContext.isolatedRoots): only the files under the same
   *  root see it. Absent: every file does. */
  scope?: string;
}

/** What reaches the per-file analysis (plain data: it crosses to worker threads). */
export interface ProjectIndexData {
  /** Summaries of the project modules the checked files reach, by module name. */
  modules: Record<string, IndexedModule>;
  /** The module name of each checked file under its source root (`src/billing/api.py` → `billing.api`). */
  moduleNames: Record<string, string>;
  /** The isolated root of each checked file under one (by its path as the analyzer reports it). */
  scopes?: Record<string, string>;
}
