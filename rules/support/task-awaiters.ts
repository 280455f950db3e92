// Who waits for a task the module starts: `self._task_handler = loop.create_task(self.start())`, then
// `await self._task_handler` in `shutdown()`. Awaiting a task forwards the awaiter's own cancellation into it
// (a timeout around the await cancels the task), so if the task swallows that cancellation and ends normally,
// the awaiter's `await` returns normally too: its cancellation is lost and its timeout never fires (aiohttp's
// RequestHandler.shutdown, fixed upstream in aiohttp PR #9030). The owner's cancel-then-await
// (`task.cancel()` then `await task`) is left out: it cancelled the task itself and expects it to end.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import { taskStarterOf } from './coroutine-starts.js';
/** `await asyncio.wait_for(task, 5)`, `await asyncio.shield(task)`: wait for the task like `await task`. */
const WAITS_LIKE_AWAIT = '(?:(?:asyncio\\.)?(?:wait_for|shield)\\(\\s*)?';

/** The first `await` of a task running the coroutine function, outside the owner's cancel-then-await, or null. */
export function awaitOfStartedTask(fn: FunctionInfo, model: SemanticModel): Node | null {
  for (const { holder, within } of taskHolders(fn, model)) {
    const escaped = holder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const { index } of model.source.text.matchAll(new RegExp(`\\bawait\\s+${WAITS_LIKE_AWAIT}${escaped}\\b(?![.(\\[])`, 'g'))) {
      const awaitNode = model.tree.rootNode.descendantForIndex(index, index + 5)?.parent;
      if (awaitNode?.type !== 'await' || awaitNode.startIndex < within.startIndex || awaitNode.endIndex > within.endIndex) continue;
      const awaiter = model.enclosingFunction(awaitNode);
      if (!awaiter || cancelsBefore(awaiter, holder, awaitNode.startIndex)) continue;
      // `def dispose(): async def collect(): await task` ... `task.cancel(); ensure_future(collect())`: a
      // coroutine defined where the task is cancelled, there only to collect it (graphql-core's observables).
      const definer = awaiter.node.parent ? model.enclosingFunction(awaiter.node.parent) : null;
      if (definer && cancelsBefore(definer, holder, definer.node.endIndex)) continue;
      return awaitNode;
    }
  }
  return null;
}

/** Where the module keeps the tasks it starts with the function: `self._task = loop.create_task(self._run())`
 *  gives `self._task` (awaited in the methods of the same class); a local `task = create_task(...)` is awaited in the
 *  function that made it. */
function taskHolders(fn: FunctionInfo, model: SemanticModel): { holder: string; within: Node }[] {
  const holders: { holder: string; within: Node }[] = [];
  for (const identifier of model.identifiersNamed(fn.name)) {
    const named = identifier.parent?.type === 'attribute' ? identifier.parent : identifier;
    // `self.start()` in another class starts that class's `start`.
    if (named.type === 'attribute' && named.childForFieldName('object')?.text === 'self' && model.enclosingFunction(named)?.ownerClass !== fn.ownerClass) continue;
    const starter = taskStarterOf(named);
    if (!starter) continue;
    const assignment = starter.parent;
    const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === starter.id ? assignment.childForFieldName('left') : null;
    // `self._task` is this class's: another class's `self._task` is another task.
    const ownClass = target?.type === 'attribute' && target.childForFieldName('object')?.text === 'self' ? model.enclosingFunction(target)?.ownerClass : null;
    if (target?.type === 'attribute') holders.push({ holder: target.text, within: ownClass?.node ?? model.tree.rootNode });
    const maker = target?.type === 'identifier' ? model.enclosingFunction(target) : null;
    if (target && maker) holders.push({ holder: target.text, within: maker.node });
  }
  return holders;
}

/** Does the function cancel the task (`holder.cancel()`) before the offset? */
function cancelsBefore(fn: FunctionInfo, holder: string, before: number): boolean {
  const text = fn.node.text;
  const start = fn.node.startIndex;
  const cancel = `${holder}.cancel(`;
  for (let at = text.indexOf(cancel); at !== -1 && start + at < before; at = text.indexOf(cancel, at + 1)) return true;
  return false;
}
