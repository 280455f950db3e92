import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../src/analyzer/rule.js';
import { MODULE_QUERY } from './support/module-names.js';
import { decoratorName, type ClassInfo, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { INERT_BASE_CLASSES, TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';

/** Builtins whose result is never awaitable: a sync method returning one of them returns no awaitable. */
const PLAIN_VALUE_BUILTINS = new Set(['str', 'int', 'float', 'bool', 'bytes', 'len', 'list', 'dict', 'set', 'tuple', 'frozenset', 'repr', 'isinstance', 'format', 'sorted', 'min', 'max', 'sum', 'any', 'all'].map((name) => `builtins.${name}`));

const LITERALS = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none', 'list', 'dictionary', 'set', 'tuple',
  'list_comprehension', 'dictionary_comprehension', 'set_comprehension', 'comparison_operator', 'not_operator']);

export default defineRule({
  name: 'async-override-mismatch',
  aliases: ['W0236'],
  severity: 'error',
  what: 'Reports a method that overrides a method of a base class defined in the same module with the other kind, where code written against the base calls it the base\'s way: a plain `def` overriding an abstract or placeholder `async def` (an interface), or one that the subclass\'s inherited coroutine methods `await self.method()`; an `async def` overriding a plain `def` that code the subclass inherits calls as a statement (`self.close()`). (Sync and async twins of one API, where nothing the subclass inherits calls the method, are left alone, as are dunder methods, properties, generators, decorated methods other than `@staticmethod`/`@classmethod`/`@abstractmethod`, sync methods that may return an awaitable or only raise, placeholder bases of a sync method, and modules that test for awaitables.)',
  why: 'Code written against the base class calls the method one way: `await obj.method()` on a plain override awaits its return value (TypeError for None), and `obj.method()` without `await` on a coroutine override only creates a coroutine, so the override never runs.',
  bad: `import asyncio


class Storage:
    async def save(self, record):
        await asyncio.sleep(0.1)

    async def save_all(self, records):
        for record in records:
            await self.save(record)


class MemoryStorage(Storage):
    def save(self, record):
        self.records.append(record)
`,
  good: `import asyncio


class Storage:
    async def save(self, record):
        await asyncio.sleep(0.1)

    async def save_all(self, records):
        for record in records:
            await self.save(record)


class MemoryStorage(Storage):
    async def save(self, record):
        self.records.append(record)
`,
  // The model knows every function already: one match per module, no node per def brought out of wasm.
  query: MODULE_QUERY,
  check(_captures, { model, report }) {
    for (const fn of model.functions) {
      const owner = fn.ownerClass;
      // Cheap tests first: most functions are no method of a class with bases.
      if (!owner || owner.bases.length === 0 || /^__.*__$/.test(fn.name) || !isComparable(fn, model)) continue;
      checkOverride(fn, owner, model, report);
    }
  },
});

function checkOverride(fn: FunctionInfo, owner: ClassInfo, model: SemanticModel, report: RuleContext['report']): void {
  const definition = fn.node;
  const overridden = inheritedMethod(owner, fn.name, model);
  if (!overridden || overridden.isAsync === fn.isAsync || !isComparable(overridden, model)) return;
  // The overridden method already differs from what it overrides: that one is reported; this one restores the kind.
  const above = inheritedMethod(overridden.ownerClass!, fn.name, model);
  if (above && above.isAsync !== overridden.isAsync) return;
  // `inspect.isawaitable(result)`, `asyncio.iscoroutinefunction(handler)`: the module calls either kind.
  if (/\bis(?:awaitable|coroutine|coroutinefunction)\b/.test(model.source.text)) return;
  const name = definition.childForFieldName('name') ?? definition;
  const base = `${overridden.ownerClass!.name}.${fn.name}`;
  if (overridden.isAsync) {
    if (mayReturnAwaitable(fn, model) || onlyRaises(fn)) return;
    // An abstract or placeholder coroutine method is an interface: its callers await it. A working one that a
    // subclass replaces with a plain method may be the sync twin of an async API (channels' SyncConsumer.send
    // beside AsyncConsumer.send): a bug only where the subclass inherits code that awaits `self.NAME()`.
    const awaiter = isInterface(overridden, model) ? null : inheritedCaller(owner, fn.name, model, 'await');
    if (!isInterface(overridden, model) && !awaiter) return;
    const where = awaiter ? `, and \`${awaiter.ownerClass!.name}.${awaiter.name}\`, which \`${owner.name}\` inherits, awaits \`self.${fn.name}()\`` : '';
    report(name, `\`${owner.name}.${fn.name}\` is a plain \`def\` overriding the coroutine method \`${base}\`${where}: callers that \`await\` it get a value that is not awaitable (TypeError); make it \`async def\``);
  } else {
    // A sync base that returns what it computes may be returning an awaitable (redis's command mixins return
    // `self.execute_command(...)`, a coroutine in the async client; aiomysql's `Cursor.fetchone` a Future).
    if (isStub(overridden) || mayReturnAwaitable(overridden, model)) return;
    // Sync and async twins of one API (a sync client and its async subclass) override on purpose; it is a bug
    // when the subclass inherits sync code that calls the method without awaiting it.
    const caller = inheritedCaller(owner, fn.name, model, 'statement');
    if (!caller) return;
    report(name, `\`${owner.name}.${fn.name}\` is an \`async def\` overriding the plain method \`${base}\`, and \`${caller.ownerClass!.name}.${caller.name}\`, which \`${owner.name}\` inherits, calls \`self.${fn.name}()\` without awaiting it: on a \`${owner.name}\` that only creates a coroutine, and the override never runs; keep both the same kind`);
  }
}

/** A plain coroutine function or a plain function (no generator, no decorator that may change what calling it
 *  returns, no property). */
function isComparable(fn: FunctionInfo, model: SemanticModel): boolean {
  return !fn.isLambda && !fn.isGenerator && fn.decorators.every((d) => TRANSPARENT_DECORATORS.has(decoratorName(d, model) ?? ''));
}

/** The method a class inherits under `name` (the first base's, in a simple MRO), when every base on the way is a
 *  local class or one that defines nothing (`object`, `ABC`); null when unknown or when something other than a
 *  method comes first. */
function inheritedMethod(cls: ClassInfo, name: string, model: SemanticModel): FunctionInfo | null {
  const seen = new Set<ClassInfo>([cls]);
  const visit = (current: ClassInfo): FunctionInfo | null | 'absent' => {
    for (const local of basesOf(current, model)) {
      if (local === 'inert') continue;
      if (local === null) return null;
      if (seen.has(local)) continue;
      seen.add(local);
      const method = local.methods.get(name);
      if (method) return method;
      if (local.attributeValues.has(name) || local.opaqueAttributes.has(name)) return null;
      const found = visit(local);
      if (found !== 'absent') return found;
    }
    return 'absent';
  };
  const found = visit(cls);
  return found === 'absent' ? null : found;
}

const resolvedBases = new WeakMap<ClassInfo, (ClassInfo | 'inert' | null)[]>();

/** A class's bases in order: a local class, 'inert' (`object`, `ABC`: defines nothing), or null (unknown).
 *  Resolved once per class: every method of it asks. */
function basesOf(cls: ClassInfo, model: SemanticModel): (ClassInfo | 'inert' | null)[] {
  let bases = resolvedBases.get(cls);
  if (!bases) {
    bases = cls.bases.map((base) => {
      const expr = base.type === 'subscript' ? base.childForFieldName('value') ?? base : base;
      const qualified = model.qualifiedName(expr);
      const local = qualified ? model.definition(qualified) : undefined;
      if (local && 'methods' in local) return local;
      return INERT_BASE_CLASSES.has(qualified ?? '') ? 'inert' : null;
    });
    resolvedBases.set(cls, bases);
  }
  return bases;
}

/** A method that `cls` inherits unchanged from a local base and that calls `self.NAME(...)`: a plain method
 *  calling it as a statement (`'statement'`), or a coroutine method awaiting it (`'await'`). */
function inheritedCaller(cls: ClassInfo, name: string, model: SemanticModel, how: 'statement' | 'await'): FunctionInfo | null {
  for (const caller of model.functions) {
    const home = caller.ownerClass;
    if (!home || home === cls || caller.isAsync !== (how === 'await') || caller.isLambda || caller.name === name || !caller.firstParameter) continue;
    if (cls.methods.has(caller.name) || inheritedMethod(cls, caller.name, model) !== caller) continue;
    const callsIt = caller.node.descendantsOfType('call').some((call) => {
      const fn = call?.childForFieldName('function');
      // A plain caller's call counts only where its value is thrown away: one returned or passed on may be
      // awaited by whoever receives it.
      const used = how === 'await' ? call!.parent?.type === 'await' : call!.parent?.type === 'expression_statement';
      return used && fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === name
        && fn.childForFieldName('object')?.text === caller.firstParameter && model.enclosingFunction(call!) === caller;
    });
    if (callsIt) return caller;
  }
  return null;
}

/** An abstract method, or one whose body is a placeholder: it declares how the method is called. */
function isInterface(fn: FunctionInfo, model: SemanticModel): boolean {
  return isStub(fn) || fn.decorators.some((d) => /(^|\.)abstractmethod$/.test(decoratorName(d, model) ?? ''));
}

/** The statements of a function's body, without its docstring and comments. */
function bodyStatements(fn: FunctionInfo): Node[] {
  const statements = fn.node.childForFieldName('body')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
  const first = statements[0];
  const isDocstring = first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string';
  return isDocstring ? statements.slice(1) : statements;
}

/** `pass`, `...`, `raise NotImplementedError`, a docstring: a placeholder that says nothing about how it is called. */
function isStub(fn: FunctionInfo): boolean {
  return bodyStatements(fn).every((s) => s.type === 'pass_statement' || s.type === 'raise_statement'
    || (s.type === 'expression_statement' && s.namedChildren[0]?.type === 'ellipsis'));
}

/** A body that only raises: the override refuses the operation, whichever way it is called. */
function onlyRaises(fn: FunctionInfo): boolean {
  const statements = bodyStatements(fn);
  return statements.length > 0 && statements.every((s) => s.type === 'raise_statement');
}

/** Does a `return` of the function (not of a nested one) return something that may be awaitable? Only literals,
 *  displays, comparisons and calls of builtins that make plain values are known not to be. */
function mayReturnAwaitable(fn: FunctionInfo, model: SemanticModel): boolean {
  return fn.node.descendantsOfType('return_statement').some((statement) => {
    if (!statement || model.enclosingFunction(statement) !== fn) return false;
    const value = statement.namedChildren.find((c) => c?.type !== 'comment');
    return !!value && !isPlainValue(value, model);
  });
}

function isPlainValue(expr: Node, model: SemanticModel): boolean {
  if (LITERALS.has(expr.type)) return true;
  if (expr.type === 'parenthesized_expression') return expr.namedChildren.every((c) => !c || c.type === 'comment' || isPlainValue(c, model));
  if (expr.type === 'call') return PLAIN_VALUE_BUILTINS.has(model.callee(expr) ?? '');
  return false;
}
