// How long a `time.sleep(...)` sleeps, outside a loop, where the source says: a number, or an attribute of the class whose every
// assigned value is one (`_execute_sleep = Float(0.0005).tag(config=True)`: a trait or field whose default is
// its first argument). A pause of a millisecond or less (ipykernel's deliberate 0.5 ms before each
// execute_reply, so the IOPub thread can flush) stalls the loop no longer than any other synchronous call.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** At most this many seconds: too short to hold up other tasks. (`sleep(0)` is not one: in a coroutine it is a
 *  mistaken attempt to yield to the loop.) */
export const NEGLIGIBLE_SLEEP_SECONDS = 0.001;

export function isNegligibleSleep(call: Node, model: SemanticModel): boolean {
  // In a loop, short sleeps add up: `while not self.ready: time.sleep(0.001)` holds the loop until it ends.
  if (inLoop(call)) return false;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  if (args.length !== 1) return false;
  const seconds = durationOf(args[0]!, call, model);
  return seconds.length > 0 && seconds.every((value) => value > 0 && value <= NEGLIGIBLE_SLEEP_SECONDS);
}

/** Where the module runs threads of its own (it imports `threading`), a single `time.sleep(0)` hands the GIL to
 *  them on purpose (cylc's scheduler lets its publisher thread send the deltas it has just queued), which
 *  `await asyncio.sleep(0)` would not do. Elsewhere it is a mistaken attempt to yield to the loop. */
export function yieldsToThreads(call: Node, model: SemanticModel): boolean {
  if (inLoop(call) || !THREADING_IMPORT.test(model.source.text)) return false;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  return args.length === 1 && numberOf(args[0]!) === 0;
}

const THREADING_IMPORT = /^[ \t]*(?:import[ \t]+threading\b|from[ \t]+threading[ \t]+import\b)/m;

/** The numbers the argument may be; empty when unknown. */
function durationOf(argument: Node, call: Node, model: SemanticModel): number[] {
  const literal = numberOf(argument);
  if (literal !== null) return [literal];
  if (argument.type !== 'attribute' || argument.childForFieldName('object')?.text !== 'self') return [];
  const values = model.enclosingFunction(call)?.ownerClass?.attributeValues.get(argument.childForFieldName('attribute')?.text ?? '') ?? [];
  const numbers = values.map((value) => numberOf(value) ?? defaultOf(value));
  return numbers.every((n): n is number => n !== null) ? numbers : [];
}

/** `Float(0.0005)`, `Float(0.0005).tag(config=True)`, `field(default=0.0005)`: the default a declaration gives. */
function defaultOf(value: Node): number | null {
  let call: Node | null = value;
  // `Float(0.0005).tag(config=True)`: the declaration is the innermost call.
  while (call?.type === 'call' && call.childForFieldName('function')?.type === 'attribute' && call.childForFieldName('function')?.childForFieldName('object')?.type === 'call') {
    call = call.childForFieldName('function')!.childForFieldName('object');
  }
  if (call?.type !== 'call') return null;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  const keyword = args.find((a) => a.type === 'keyword_argument' && ['default', 'default_value'].includes(a.childForFieldName('name')?.text ?? ''));
  const first = keyword?.childForFieldName('value') ?? args.find((a) => a.type !== 'keyword_argument');
  return first ? numberOf(first) : null;
}

function numberOf(node: Node): number | null {
  if (node.type !== 'float' && node.type !== 'integer') return null;
  const value = Number(node.text.replace(/_/g, ''));
  return Number.isFinite(value) ? value : null;
}

/** Is the call inside a loop or comprehension of its own function? */
function inLoop(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (['for_statement', 'while_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression'].includes(parent.type)) return true;
    if (parent.type === 'function_definition' || parent.type === 'lambda') return false;
  }
  return false;
}
