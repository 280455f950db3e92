// Runs rules over one module: parse once, build the semantic model once, run every rule's query as one
// combined query, and turn reports into findings (with suppressions, severities and whole-line fixes).
import type { Node, Query, QueryMatch, Tree } from 'web-tree-sitter';
import { CALL_QUERY, type Captures, type ReportOptions, type Rule, type RuleContext } from './rule.js';
import type { AnalyzeOptions, Finding, Fix, ProjectKnowledge, Severity } from './types.js';
import { loadPythonParser, type PythonParser } from './parser.js';
import { SourceText, formatSpecsForParsing, textForParsing } from './source-text.js';
import { FACTS_QUERY, SemanticModel, moduleNameFromPath } from './model/semantic-model.js';
import { fileDirectives, isSuppressed, skipsFileWithoutParsing, type CommentTest } from './suppression.js';
import { findingSeverity, mayReport, perFileIgnoresMatcher } from './selection.js';
import { LIBRARY_COROUTINE_FUNCTIONS } from './model/known-apis.js';
import { knowledgeForPath } from './project-scope.js';
import { KNOWLEDGE } from './knowledge/index.js';
import { Budget, isStackOverflow, ruleTimeShareMs } from './limits.js';
import { blankRanges, SyntaxRegions, tokenRuns } from './syntax-regions.js';
import { describeStacked, describeTooDeep, Ranges, tooDeep } from './depth.js';
import { summarizeModule, type BlockingProbe } from './model/module-summary.js';
import type { ModuleSummary } from './project/summary.js';
import { callsProjectCoroutine } from './project/calls-into-index.js';

/** Loop-blocking rules the summaries do not ask (see Engine.create). */
const SUMMARY_BLIND_RULES: ReadonlySet<string> = new Set(['blocking-configured-call', 'blocking-via-helper']);

export interface ModuleResult {
  findings: Finding[];
  /** Why the module was only partly analyzed, if it was. */
  problem?: string;
  parsed: boolean;
}

/** A parse of a module's text kept between its summary and its analysis. */
interface KeptParse {
  tree: Tree;
  parsedText: string;
  parseMs: number;
}

interface ActiveRule {
  rule: Rule;
}

/** A compiled query and, for each of its patterns, the rules it serves (none for the model's fact patterns). */
interface CompiledQuery {
  query: Query;
  owners: (ActiveRule[] | null)[];
}

export class Engine {
  /** Set when tree-sitter trapped inside wasm (its instance may be inconsistent): no more files are parsed
   *  with this engine; a worker thread is replaced, the CLI's main thread leaves the rest to its workers. */
  unusable: string | null = null;

  private constructor(
    private readonly parser: PythonParser,
    /** FACTS_QUERY's patterns and every rule's: one pass over the whole tree. */
    private readonly query: CompiledQuery,
    readonly ruleCount: number,
    /** Which findings are reported, at which severity (options.select, ignore, ruleSettings, perFileIgnores). */
    private readonly options: AnalyzeOptions,
    /** The rules that run (for their `mentions`). */
    private readonly active: readonly ActiveRule[] = [],
    /** The loop-blocking rules about calls, asked by module summaries which calls block (whatever is selected). */
    private readonly blockingRules: readonly Rule[] = [],
    /** The names of the catalog's rules that are on by default. */
    private readonly onByDefault: readonly string[] = [],
  ) {
    this.fileIgnores = perFileIgnoresMatcher(options.perFileIgnores);
  }

  /** The rules whose knowledge of blocking calls counts through helpers: those on by default, and those
   *  off by default that this run turns on (blocking-file-io is off by default: its calls do not count then). */
  private get activeNames(): ReadonlySet<string> {
    return (this.activeNameSet ??= new Set([...this.onByDefault, ...this.active.map(({ rule }) => rule.name)]));
  }

  private activeNameSet?: Set<string>;

  /** The rule selectors the config's per-file ignores list for a path. */
  private readonly fileIgnores: (path: string) => string[];

  /** `catalog`: every rule there is (what blocks, and which rules are on by default, is read from it whichever
   *  rules run); default: `rules`. */
  static async create(rules: readonly Rule[], options: AnalyzeOptions = {}, catalog: readonly Rule[] = rules): Promise<Engine> {
    const parser = await loadPythonParser();
    const active = selectRules(rules, options);
    // The configured blocking calls depend on the project's config, and summaries only on a module's text;
    // blocking-via-helper asks the summaries themselves.
    // What blocks is knowledge, whichever rules run: the whole catalog's rules are asked.
    const blocking = catalog.filter((rule) => rule.blocksTheLoop && rule.query === CALL_QUERY && !SUMMARY_BLIND_RULES.has(rule.name));
    const onByDefault = catalog.filter((rule) => rule.defaultEnabled !== false).map((rule) => rule.name);
    return new Engine(parser, compile(parser, FACTS_QUERY, active), active.length, options, active, blocking, onByDefault);
  }

  private summaryQuery?: Query;

  /** The running rules that the options alone would not run: a library enforces them (see isEnforcedIn). */
  private get enforcedOnly(): readonly Rule[] {
    return (this.enforcedOnlyRules ??= this.active.map(({ rule }) => rule).filter((rule) => !mayReport(rule, this.options, false)));
  }

  private enforcedOnlyRules?: Rule[];

  /** Trees parsed for a summary and kept for the same text's analysis on this thread (see summarize), by text. */
  private readonly keptTrees = new Map<string, KeptParse>();

  /** What a module tells the others (see project/summary.ts): its text parsed and read by the model alone, no
   *  rule run. `moduleName`: its name under its source root, against which its relative imports resolve.
   *  `keepTree`: the module is analyzed next on this thread: its parse is kept for that analysis (which frees
   *  it), so the file is parsed once. */
  summarize(text: string, moduleName: string, isPackage: boolean, budget: Budget = Budget.unlimited(), keepTree = false): ModuleSummary {
    const query = (this.summaryQuery ??= this.parser.query(`${FACTS_QUERY}\n${CALL_QUERY}`));
    const callPattern = query.patternCount() - 1;
    const { tree, parsedText, parseMs } = this.parseTimed(text, budget);
    let kept = false;
    try {
      const facts: QueryMatch[] = [];
      const calls: Node[] = [];
      for (const match of query.matches(tree.rootNode, { progressCallback: budget.cancel })) {
        if (match.patternIndex !== callPattern) facts.push(match);
        else {
          const call = match.captures.find((capture) => capture.name === 'call');
          if (call) calls.push(call.node);
        }
      }
      budget.throwIfExceeded();
      const model = new SemanticModel(tree, new SourceText(text), moduleName, facts, {}, isPackage);
      const summary = summarizeModule(model, calls, this.blockingProbe(model, text));
      if (keepTree && !this.keptTrees.has(text)) {
        this.keptTrees.set(text, { tree, parsedText, parseMs });
        kept = true;
      }
      return summary;
    } finally {
      if (!kept) tree.delete();
    }
  }

  /** Frees the trees kept for analyses that did not come (another thread took the file, or it was skipped). */
  dropKeptTrees(): void {
    for (const { tree } of this.keptTrees.values()) tree.delete();
    this.keptTrees.clear();
  }

  /** The first parse of `text` for its analysis: the one kept from its summary if any (taken: the caller frees
   *  it), else a new one. `parseMs`: what parsing took (the rules' time share grows with it). */
  private firstParse(text: string, budget: Budget): KeptParse {
    const kept = this.keptTrees.get(text);
    if (kept) {
      this.keptTrees.delete(text);
      budget.charge(kept.parseMs); // the file's deadline counts its parse, wherever it happened
      return kept;
    }
    return this.parseTimed(text, budget);
  }

  /** A new parse of `text` (as Python reads it), and what it took. */
  private parseTimed(text: string, budget: Budget): KeptParse {
    const parsedText = textForParsing(text);
    const started = performance.now();
    const tree = this.parser.parse(parsedText, budget);
    return { tree, parsedText, parseMs: performance.now() - started };
  }

  /** Asks the loop-blocking rules whether a call in a sync function blocks, as they would if the call were
   *  directly in a coroutine: the model they are given reads "in a coroutine" as "in that function". */
  private blockingProbe(model: SemanticModel, text: string): BlockingProbe | null {
    const rules = this.blockingRules.filter((rule) => !rule.mentions || rule.mentions.test(text));
    if (rules.length === 0) return null;
    const bound = new Map<(...args: unknown[]) => unknown, unknown>(); // one bound method per function, not per call
    const asIfInCoroutine = new Proxy(model, {
      get(target, property) {
        if (property === 'isInCoroutine' || property === 'mayAwait') return () => true;
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        let method = bound.get(value as (...args: unknown[]) => unknown);
        if (method === undefined) bound.set(value as (...args: unknown[]) => unknown, (method = value.bind(target)));
        return method;
      },
    });
    return (call) => {
      const fn = call.childForFieldName('function');
      if (!fn) return null;
      let blocks = false;
      const report = () => { blocks = true; };
      for (const rule of rules) {
        try {
          rule.check({ call, function: fn }, { model: asIfInCoroutine, report });
        } catch (error) {
          if (!isStackOverflow(error)) throw error;
        }
        if (blocks) return rule.name;
      }
      return null;
    };
  }

  /** `project`: what is known from outside the module. It is not part of the engine (whose compiled queries
   *  depend only on the rules), so one engine serves every project and every run. `budget`: the file's time and
   *  memory; when it runs out, LimitExceeded is thrown (parsing and the query are cancelled inside wasm). */
  analyze(path: string, text: string, projectKnowledge: ProjectKnowledge = {}, budget: Budget = Budget.unlimited()): ModuleResult {
    const project = knowledgeForPath(projectKnowledge, path);
    if (this.ruleCount === 0 || !mightHaveFindings(text, project, path)) return { findings: [], parsed: false };
    const directives = fileDirectives(text);
    if (skipsFileWithoutParsing(text, directives)) return { findings: [], parsed: false };
    const source = new SourceText(text);
    const first = this.firstParse(text, budget);
    let parsedText = first.parsedText;
    let tree = first.tree;
    // Preparing the file (parsing and matching) counts from the first parse, wherever it happened.
    const preparing = performance.now() - first.parseMs;
    // `f"{x:=10}"`: a format spec tree-sitter reads as a walrus (and sometimes as a syntax error): parse the text
    // with that `=` blanked, as Python reads it.
    const withFormatSpecs = formatSpecsForParsing(tree.rootNode, parsedText);
    if (withFormatSpecs !== null) {
      tree.delete();
      parsedText = withFormatSpecs;
      tree = this.parser.parse(parsedText, budget);
    }
    // Long runs of stray tokens in an ERROR node make tree-sitter's query quadratic: blank them, parse again.
    const runs = tree.rootNode.hasError ? tokenRuns(tree.rootNode) : [];
    if (runs.length > 0) {
      parsedText = blankRanges(parsedText, runs);
      tree.delete();
      tree = this.parser.parse(parsedText, budget);
    }
    try {
      const suppressions: Suppressions = {
        isComment: commentTest(tree.rootNode, source, parsedText),
        fileCodes: [],
        blanked: blankedRowsTest(source, parsedText),
      };
      for (const directive of directives) {
        if (!suppressions.isComment(directive.row, directive.column)) continue;
        if (directive.codes === null) return { findings: [], parsed: true };
        suppressions.fileCodes.push(...directive.codes);
      }
      const facts: QueryMatch[] = [];
      const ruleMatches: QueryMatch[] = [];
      const errors: Node[] = [];
      const { query, owners } = this.query;
      // Nesting deeper than real code: no match inside reaches the model or a rule (see depth.ts), and the query
      // does not even enter it (tree-sitter's query cursor is quadratic in the depth it is inside).
      const stackedNodes: Node[] = [];
      const deepNodes = tooDeep(tree.rootNode, undefined, stackedNodes);
      const deep = Ranges.of([...deepNodes, ...stackedNodes].sort((a, b) => a.startIndex - b.startIndex));
      const matches = deep.isEmpty ? query.matches(tree.rootNode, { progressCallback: budget.cancel }) : matchesOutside(query, tree.rootNode, deep, parsedText.length, budget);
      budget.throwIfExceeded();
      for (const match of matches) {
        if (!deep.isEmpty && match.captures.some(({ node }) => deep.has(node.startIndex))) continue;
        // A rule given a node holding deep code would walk all of it again for each such match.
        if (owners[match.patternIndex] && !deep.isEmpty && match.captures.some(({ node }) => deep.overlaps(node.startIndex, node.endIndex))) continue;
        if (owners[match.patternIndex]) ruleMatches.push(match);
        else {
          facts.push(match);
          if (tree.rootNode.hasError) for (const { name, node } of match.captures) if (name === 'syntax_error') errors.push(node);
        }
      }
      const broken = SyntaxRegions.of(errors, parsedText, runs);
      budget.check();
      const indexedName = project.index && Object.hasOwn(project.index.moduleNames, path) ? project.index.moduleNames[path] : undefined;
      const indexScope = project.index?.scopes && Object.hasOwn(project.index.scopes, path) ? project.index.scopes[path] : undefined;
      const fileProject = indexScope === undefined ? project : { ...project, indexScope };
      const model = new SemanticModel(tree, source, indexedName ?? moduleNameFromPath(path), facts, fileProject, indexedName !== undefined && isPackagePath(path));
      // A rule that runs only because a library enforces it is on only in the modules that import that library.
      const ruleIsOn = (name: string) => this.activeNames.has(name) && !this.enforcedOnly.some((rule) => rule.name === name && !isEnforcedIn(rule, model));
      model.self = { path, probe: () => this.blockingProbe(model, text), ruleIsOn };
      const ignoredHere = this.fileIgnores(path);
      const inCoroutine = coroutineRangeTest(model);
      const findings: Finding[] = [];
      // A rule whose words the module never says cannot report in it: its matches are not even looked at.
      const silent = new Set<Rule>();
      for (const { rule } of this.active) if (rule.mentions && !rule.mentions.test(text)) silent.add(rule);
      // A rule that runs only because a library enforces it (Home Assistant: blocking-file-io) is silent in the
      // modules that do not import that library.
      for (const rule of this.enforcedOnly) if (!isEnforcedIn(rule, model)) silent.add(rule);
      const overflowed: number[] = [];
      // Each rule's share of the file's time: a rule over it is stopped for the rest of this file (and says where),
      // so that one rule's super-linear walk over a pathological file costs that rule, not the file. The share
      // grows with the time parsing and matching took, so a loaded machine slows both alike and drops nothing.
      // Timing every rule call costs ~2% on real code, so the rules are first timed together, once per match;
      // only a file whose rules together pass half a rule's share is timed rule by rule from then on.
      const ruleBudgetMs = ruleTimeShareMs(parsedText.length, performance.now() - preparing);
      const spent = new Map<Rule, number>();
      const stopped = new Map<string, number>();
      let byRule = false;
      let together = 0;
      let last = performance.now();
      let sinceClock = 0;
      // One context per rule and file (not per match): what a rule reports goes through the file's filters.
      const contexts = new Map<ActiveRule, RuleContext>();
      const contextFor = (owner: ActiveRule): RuleContext => {
        let context = contexts.get(owner);
        if (!context) {
          const report = (node: Node, message: string, options?: ReportOptions) => {
            if ((owner.rule.blocksTheLoop && !blockingMatters(model, node)) || model.isUnreachable(node)) return;
            if (owner.rule.costsOnlyInProduction && !model.project.reportProductionOnlyInTests && model.isTestCode(node)) return;
            const severity = findingSeverity(owner.rule, options?.alias, this.options, ignoredHere, isEnforcedIn(owner.rule, model));
            if (severity === null) return;
            const finding = makeFinding(path, source, broken, suppressions, owner.rule, severity, node, message, options);
            if (finding) findings.push(finding);
          };
          contexts.set(owner, (context = { model, report }));
        }
        return context;
      };
      for (const match of ruleMatches) {
        budget.tick();
        const captures: Captures = {};
        for (const capture of match.captures) captures[capture.name] ??= capture.node;
        let matchInCoroutine: boolean | undefined;
        for (const owner of owners[match.patternIndex]!) {
          if (silent.has(owner.rule)) continue;
          // A coroutine-scoped rule sees only matches inside an `async def`: most of a module is synchronous.
          if (owner.rule.scope === 'coroutine' && !(matchInCoroutine ??= inCoroutine(match))) continue;
          if (stopped.has(owner.rule.name)) continue;
          const started = byRule ? performance.now() : 0;
          try {
            owner.rule.check(captures, contextFor(owner));
          } catch (error) {
            // A rule recursing through nesting too deep for the stack loses this match, not the file.
            if (!isStackOverflow(error)) throw error;
            overflowed.push(match.captures[0]!.node.startPosition.row + 1);
          }
          if (!byRule) continue;
          const used = (spent.get(owner.rule) ?? 0) + performance.now() - started;
          spent.set(owner.rule, used);
          if (used > ruleBudgetMs) stopped.set(owner.rule.name, match.captures[0]!.node.startPosition.row + 1);
        }
        // The clock is read every 8th match: rules together take microseconds per match on real code.
        if (!byRule && (++sinceClock & 7) === 0) {
          const now = performance.now();
          together += now - last;
          last = now;
          byRule = together > ruleBudgetMs / 2;
        }
      }
      return {
        findings: dedupe(findings).sort(byPosition),
        parsed: true,
        problem: [
          text.includes('\0') ? 'NUL bytes (which Python refuses) were read as spaces' : undefined,
          !tree.rootNode.hasError && runs.length === 0 ? undefined : broken.isEmpty ? 'syntax errors: only the valid parts were analyzed' : broken.describe(),
          deepNodes.length > 0 ? describeTooDeep(deepNodes) : undefined,
          stackedNodes.length > 0 ? describeStacked(stackedNodes) : undefined,
          stopped.size > 0 ? describeStopped(stopped, ruleBudgetMs) : undefined,
          overflowed.length > 0 ? describeOverflow(overflowed) : undefined,
        ].filter(Boolean).join('; ') || undefined,
      };
    } finally {
      tree.delete();
    }
  }
}

/** The query's matches in the stretches between the deep regions, once each. */
function matchesOutside(query: Query, root: Node, deep: Ranges, length: number, budget: Budget): QueryMatch[] {
  const seen = new Set<string>();
  const found: QueryMatch[] = [];
  let from = 0;
  for (const [start, end] of [...deep.ranges, [length, length] as const]) {
    if (start > from) {
      // The query's range is in bytes of the UTF-16 text tree-sitter parsed (two per index), unlike Node indices.
      for (const match of query.matches(root, { startIndex: 2 * from, endIndex: 2 * start, progressCallback: budget.cancel })) {
        const key = `${match.patternIndex}:${match.captures.map(({ node }) => node.id).join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push(match);
      }
      budget.throwIfExceeded();
    }
    from = Math.max(from, end);
  }
  return found;
}

/** `rule swallowed-cancellation stopped at line 812 (it took over 456 ms, its share of this file's time)`. */
function describeStopped(stopped: Map<string, number>, budgetMs: number): string {
  const rules = [...stopped].map(([rule, line]) => `${rule} at line ${line}`).join(', ');
  return `${stopped.size === 1 ? 'rule' : 'rules'} ${rules} stopped: over ${Math.round(budgetMs)} ms, a rule's share of this file's time; its findings after that point are missing`;
}

/** `line 7 only partly analyzed: nested too deeply for the analyzer (stack overflow)`. */
function describeOverflow(rows: number[]): string {
  const lines = [...new Set(rows)].sort((a, b) => a - b);
  const shown = lines.slice(0, 5).join(', ') + (lines.length > 5 ? ` and ${lines.length - 5} more` : '');
  return `${lines.length === 1 ? 'line' : 'lines'} ${shown} only partly analyzed: nested too deeply for the analyzer (stack overflow)`;
}

/** Does a loop-blocking finding at `node` hold up other work, or does the project ask for it anyway? */
function blockingMatters(model: SemanticModel, node: Node): boolean {
  const owner = model.soleLoopOwner(node);
  const wanted = model.project.reportBlockingIn;
  return owner === null
    || (owner === 'test' && wanted?.tests === true)
    || (owner === 'script' && wanted?.scripts === true)
    || (owner === 'worker-thread' && wanted?.workerThreads === true);
}

/** Does a match lie inside one of the module's outermost `async def`s (the def itself included)? They do not
 *  overlap and come in document order, so a binary search finds the one that could hold the match's first
 *  capture; every capture must end inside it too (a `try` around a def captures more than the def). */
function coroutineRangeTest(model: SemanticModel): (match: QueryMatch) => boolean {
  const ranges = model.outermostCoroutines().map(({ node }) => [node.startIndex, node.endIndex] as const);
  return (match) => {
    let start = Infinity;
    for (const { node } of match.captures) start = Math.min(start, node.startIndex);
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [rangeStart, rangeEnd] = ranges[middle]!;
      if (start < rangeStart) high = middle - 1;
      else if (start >= rangeEnd) low = middle + 1;
      else return match.captures.every(({ node }) => node.endIndex <= rangeEnd); // end: a call into wasm, asked last
    }
    return false;
  };
}

/** Compile `leading` (the model's facts, or nothing) and the rules' queries into one query, once (compiling is
 *  costly). Rules with the same query text (e.g. CALL_QUERY) share its patterns: one match, several rules.
 *  Each pattern is mapped back to its rules by its offset in the combined source. */
function compile(parser: PythonParser, leading: string | null, rules: readonly ActiveRule[]): CompiledQuery {
  const byQuery = new Map<string, ActiveRule[]>();
  for (const entry of rules) {
    const sharing = byQuery.get(entry.rule.query);
    if (sharing) sharing.push(entry);
    else byQuery.set(entry.rule.query, [entry]);
  }
  const segments: { text: string; owners: ActiveRule[] | null; start: number }[] = [];
  let offset = 0;
  for (const [text, owners] of [...(leading === null ? [] : [[leading, null] as const]), ...byQuery]) {
    segments.push({ text, owners, start: offset });
    offset += Buffer.byteLength(text) + 1;
  }
  let query: Query;
  try {
    query = parser.query(segments.map((segment) => segment.text).join('\n'));
  } catch (error) {
    throw new Error(`invalid rule query: ${describeQueryError(parser, [...byQuery.values()])}${(error as Error).message}`);
  }
  const owners: (ActiveRule[] | null)[] = [];
  for (let pattern = 0; pattern < query.patternCount(); pattern++) {
    const start = query.startIndexForPattern(pattern);
    let segment = segments.length - 1;
    while (segments[segment].start > start) segment--;
    owners.push(segments[segment].owners);
  }
  return { query, owners };
}

/** Every rule needs an `async def`, an `await` or a library coroutine function; the async library may not say
 *  `async` (`trio.sleep(1)`, `session.close()` on an aiohttp session). Reaching a library name takes importing
 *  it, and every import names the top-level package: the word is a module name that says `async` if any
 *  (`asyncio` for `redis.asyncio.Redis.get`, whose package `redis` is mostly synchronous), else the top-level
 *  package (`discord`, not `commands` for `discord.ext.commands.Context.send`: common words would have every
 *  module parsed). */
const WORDS_OF_ASYNC_CODE = ['async', 'await', ...new Set([...LIBRARY_COROUTINE_FUNCTIONS].map(telltaleModuleName))];

function telltaleModuleName(qualifiedName: string): string {
  const modules = qualifiedName.split('.').slice(0, -1).filter((part) => !/^[A-Z]/.test(part));
  return modules.find((part) => part.includes('async')) ?? modules[0]!;
}

/** Can this module contain a finding at all? A module that names none of WORDS_OF_ASYNC_CODE is skipped without
 *  parsing, unless the project knows of coroutine functions it might call: given ones, or one of the project
 *  index's that the module (at `path`) imports from where it is defined and calls by name (a sync script's
 *  `poller.poll()`). Text or raw bytes: the words are ASCII, so a byte search answers alike. */
export function mightHaveFindings(content: string | Uint8Array, project: ProjectKnowledge = {}, path?: string): boolean {
  if (project.coroutineFunctions?.size) return true;
  const text = typeof content === 'string' ? content : null;
  const bytes = text === null ? Buffer.from((content as Uint8Array).buffer, (content as Uint8Array).byteOffset, (content as Uint8Array).byteLength) : null;
  if (WORDS_OF_ASYNC_CODE.some((word) => (text !== null ? text.includes(word) : bytes!.includes(word)))) return true;
  const moduleName = path !== undefined && project.index && Object.hasOwn(project.index.moduleNames, path) ? project.index.moduleNames[path]! : null;
  return moduleName !== null && callsProjectCoroutine(text ?? bytes!.toString('latin1'), project.index!, moduleName, isPackagePath(path!));
}

/** Does the module import a library whose runtime enforces the rule (Home Assistant: blocking-file-io)? */
function isEnforcedIn(rule: Rule, model: SemanticModel): boolean {
  return KNOWLEDGE.enforcedBy.get(rule.name)?.some((module) => model.importsFrom(module)) ?? false;
}

/** The rules to run: those the options let some finding of through (severities are decided per finding, see
 *  selection.ts). */

export function selectRules(rules: readonly Rule[], options: AnalyzeOptions): ActiveRule[] {
  return rules.filter((rule) => mayReport(rule, options)).map((rule) => ({ rule }));
}

export { selectsAnyRule } from './selection.js';

/** Which rule's query fails to compile (only asked after the combined query failed). */
function describeQueryError(parser: PythonParser, groups: ActiveRule[][]): string {
  for (const [{ rule }] of groups) {
    try {
      parser.query(rule.query);
    } catch {
      return `rule ${rule.name}: `;
    }
  }
  return '';
}

/** What a module's comments suppress: line comments are read from each finding's rows; file-level codes
 *  (`# ruff: noqa: ASYNC251`) are collected once. */
interface Suppressions {
  isComment: CommentTest;
  fileCodes: string[];
  /** Do rows from..to (0-based, inclusive) hold comment lines blanked for parsing? Node text there is not the
   *  source's, so a fix built from it would delete those comments. */
  blanked(from: number, to: number): boolean;
}

function blankedRowsTest(source: SourceText, parsedText: string): (from: number, to: number) => boolean {
  if (parsedText === source.text) return () => false;
  const parsedLines = parsedText.split(/\r?\n/);
  return (from, to) => {
    for (let row = from; row <= to; row++) if (parsedLines[row] !== source.line(row)) return true;
    return false;
  };
}

/** A `#` starts a comment when the tree says so. Long runs of comment lines are blanked before parsing (see
 *  textForParsing), so there a `#` that became a blank on a line that is only a comment counts too. */
const STRING_PARTS = new Set(['string', 'string_content', 'string_start', 'string_end', 'interpolation']);

function commentTest(root: Node, source: SourceText, parsedText: string): CommentTest {
  let parsedLines: string[] | null = null;
  return (row, column) => {
    const node = root.descendantForPosition({ row, column });
    if (node?.type === 'comment') return true;
    if (parsedText === source.text || !/^[ \t]*#/.test(source.line(row))) return false;
    // Lines inside a string are blanked too when they look like a comment run; they stay text, not comments.
    if (node && (STRING_PARTS.has(node.type) || node.parent?.type === 'string')) return false;
    parsedLines ??= parsedText.split(/\r?\n/);
    return parsedLines[row]?.[column] === ' ';
  };
}

function makeFinding(path: string, source: SourceText, broken: SyntaxRegions, suppressions: Suppressions, rule: Rule, severity: Severity, node: Node, message: string, options: ReportOptions = {}): Finding | null {
  const end = options.endNode ?? node;
  // Nothing is reported from the broken parts of ERROR nodes, nor a node that itself contains one.
  if (node.hasError || end.hasError || broken.contains(node) || broken.contains(end)) return null;
  const startRow = node.startPosition.row;
  const endRow = end.endPosition.row;
  if (isSuppressed(source, rule, startRow, endRow, suppressions.isComment, suppressions.fileCodes, options.alias)) return null;
  const fix = wholeLineFix(source, suppressions, node, end, options, startRow, endRow);
  return {
    rule: rule.name,
    severity,
    path,
    line: startRow + 1,
    column: source.codePointColumn(startRow, node.startPosition.column) + 1,
    endLine: endRow + 1,
    endColumn: source.codePointColumn(endRow, end.endPosition.column) + 1,
    message,
    code: source.lines.slice(startRow, endRow + 1).join('\n'),
    fix,
    corrected: fix ? fix.replacement : rule.good,
    ...(typeof options.alias === 'string' ? { alias: options.alias } : {}),
  };
}

/** The finding's fix, if it has one that can be offered: with `\n` line ends whatever the file's (a fix replaces
 *  whole lines, split on line ends), and none where the text it was built from had comments blanked out. */
function wholeLineFix(source: SourceText, suppressions: Suppressions, node: Node, end: Node, options: ReportOptions, startRow: number, endRow: number): Fix | null {
  const fix = options.lineFix ?? (options.replacement !== undefined ? replaceNode(source, node, end, options.replacement) : null);
  if (!fix) return null;
  if (suppressions.blanked(Math.min(startRow, fix.line - 1), Math.max(endRow, fix.endLine - 1))) return null;
  // Bytes that were not UTF-8 (a `# -*- coding: latin-1 -*-` file) were decoded as U+FFFD: a fix rewriting
  // those lines would write the replacement character over the original bytes.
  if (source.lines.slice(fix.line - 1, fix.endLine).some((line) => line.includes('\uFFFD'))) return null;
  return fix.replacement.includes('\r') ? { ...fix, replacement: fix.replacement.replace(/\r\n/g, '\n') } : fix;
}

/** A fix replacing the text of `start..end` inside whole lines, as GitHub suggestions need. */
export function replaceNode(source: SourceText, start: Node, end: Node, replacement: string): Fix {
  const startRow = start.startPosition.row;
  const endRow = end.endPosition.row;
  const before = source.line(startRow).slice(0, start.startPosition.column);
  const after = source.line(endRow).slice(end.endPosition.column);
  return { line: startRow + 1, endLine: endRow + 1, replacement: before + replacement + after };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}:${f.line}:${f.column}:${f.endLine}:${f.endColumn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}

/** `pkg/__init__.py`: a package's own module. */
export function isPackagePath(path: string): boolean {
  return /(^|\/)__init__\.pyi?$/.test(path);
}
