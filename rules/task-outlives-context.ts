import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { defineRule } from '../src/analyzer/rule.js';
import { CANCEL_SCOPE_TYPES, TASK_GROUP_TYPES } from '../src/analyzer/model/known-apis.js';
import { isAsyncWith, WITH_QUERY } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

/** Task group methods that start a task which runs on until the group exits. */
const STARTERS = new Set(['start_soon', 'start', 'create_task']);

const PARTIALS = new Set(['functools.partial']);

export default defineRule({
  name: 'task-outlives-context',
  aliases: ['ASYNC111'],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports a value bound by a `with` / `async with` opened inside a task group or nursery body (`async with asyncio.TaskGroup() as tg:`, anyio task groups, trio nurseries) and handed to a task started in that group from inside the `with` (`tg.create_task(work(f))`, `nursery.start_soon(work, f)`).',
  why: 'The task runs until the task group exits, but the inner context manager exits as soon as its own block ends: the task goes on using a closed file, session or connection (and a failing `with` exit does not stop it). The group should be the innermost context manager.',
  bad: `import asyncio


async def upload(session, path):
    await asyncio.sleep(0)


async def upload_all(make_session, paths):
    async with asyncio.TaskGroup() as tg:
        async with make_session() as session:
            for path in paths:
                tg.create_task(upload(session, path))
`,
  good: `import asyncio


async def upload(session, path):
    await asyncio.sleep(0)


async def upload_all(make_session, paths):
    async with make_session() as session:
        async with asyncio.TaskGroup() as tg:
            for path in paths:
                tg.create_task(upload(session, path))
`,
  query: WITH_QUERY,
  check({ with: group, body }, { model, report }) {
    if (!isAsyncWith(group)) return;
    const groupName = boundTaskGroup(group, model);
    if (!groupName) return;
    const owner = model.enclosingFunction(group);
    for (const inner of body.descendantsOfType('with_statement')) {
      if (!inner || model.enclosingFunction(inner) !== owner) continue;
      const innerBody = inner.childForFieldName('body');
      if (!innerBody) continue;
      for (const [manager, target] of asTargets(inner)) {
        // A cancel scope handed to a task is only cancelled through it; cancelling an exited scope is harmless.
        if (CANCEL_SCOPE_TYPES.has(model.typeOf(manager) ?? '')) continue;
        for (const call of innerBody.descendantsOfType('call')) {
          if (!call || model.enclosingFunction(call) !== owner) continue;
          const method = starterOf(call, groupName);
          if (!method || !handsOn(call, method, target.text, model) || awaitedInside(call, innerBody, model)) continue;
          report(call, `\`${target.text}\` comes from \`${snippet(manager, 40)}\`, which exits when its block ends, but the task \`${callSnippet(call, 50)}\` starts with it runs until \`${groupName}\` exits (${model.describeContext(call)}): it may use \`${target.text}\` after it is closed; open the task group inside the \`with\`, or enter the context manager in the task`);
        }
      }
    }
  },
});

/** The name an `async with` binds to a task group it enters (`tg` in `async with asyncio.TaskGroup() as tg`). */
function boundTaskGroup(statement: Node, model: SemanticModel): string | null {
  for (const [manager, target] of asTargets(statement)) {
    if (TASK_GROUP_TYPES.has(model.typeOf(manager) ?? '')) return target.text;
  }
  return null;
}

/** The items of a with statement that bind a plain name: (context manager, name). */
function asTargets(statement: Node): [Node, Node][] {
  const clause = statement.namedChildren.find((child) => child?.type === 'with_clause');
  const pairs: [Node, Node][] = [];
  for (const item of clause?.namedChildren ?? []) {
    let value = item?.type === 'with_item' ? item.childForFieldName('value') : null;
    if (value?.type === 'parenthesized_expression' && value.namedChildren.length === 1) value = value.namedChildren[0];
    if (value?.type !== 'as_pattern') continue;
    const manager = value.namedChildren[0];
    const target = value.childForFieldName('alias')?.namedChildren[0];
    if (manager && target?.type === 'identifier') pairs.push([manager, target]);
  }
  return pairs;
}

/** `start_soon` for `tg.start_soon(...)` when `tg` is the group's name. */
function starterOf(call: Node, groupName: string): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== groupName) return null;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  return STARTERS.has(method) ? method : null;
}

/** Does the task get the value: `start_soon(work, f)`, `start_soon(f.serve)`, `start_soon(partial(work, f))`,
 *  `create_task(work(f))`, `create_task(f.read())`? */
function handsOn(call: Node, method: string, name: string, model: SemanticModel): boolean {
  const args = positional(call);
  if (method === 'create_task') {
    const coroutine = args[0];
    return coroutine?.type === 'call' && (isObjectOf(coroutine, name) || positional(coroutine).some((arg) => isName(arg, name)));
  }
  const [fn, ...rest] = args;
  if (!fn) return false;
  if (rest.some((arg) => isName(arg, name)) || (fn.type === 'attribute' && isName(fn.childForFieldName('object'), name))) return true;
  return fn.type === 'call' && PARTIALS.has(model.callee(fn) ?? '') && positional(fn).some((arg) => isName(arg, name));
}

function positional(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return [];
  return args.namedChildren.filter((arg): arg is Node => !!arg && arg.type !== 'comment' && arg.type !== 'keyword_argument');
}

function isName(node: Node | null | undefined, name: string): boolean {
  return node?.type === 'identifier' && node.text === name;
}

/** `f.read()`: a call of a method of `name`. */
function isObjectOf(call: Node, name: string): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && isName(fn.childForFieldName('object'), name);
}

/** `task = tg.create_task(...)` and `await task` (or any await naming it) before the block ends: the task is
 *  done with the value by then. */
function awaitedInside(call: Node, block: Node, model: SemanticModel): boolean {
  const parent = call.parent;
  const name = parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id ? parent.childForFieldName('left') : null;
  if (name?.type !== 'identifier') return false;
  return model.awaitPointsIn(block).some((point) => point.descendantsOfType('identifier').some((id) => id?.text === name.text));
}
