// The rule catalog: one file per rule, listed here in the order the docs show them.
import type { Rule } from '../src/analyzer/rule.js';
import { ruleMatchesCode } from '../src/analyzer/suppression.js';
import blockingSleep from './blocking-sleep.js';
import blockingHttp from './blocking-http.js';
import blockingSubprocess from './blocking-subprocess.js';
import blockingFileIo from './blocking-file-io.js';
import blockingInput from './blocking-input.js';
import blockingDatabase from './blocking-database.js';
import blockingSocket from './blocking-socket.js';
import blockingConfiguredCall from './blocking-configured-call.js';
import blockingViaHelper from './blocking-via-helper.js';
import threadingLock from './threading-lock.js';
import freshLock from './fresh-lock.js';
import missingAwait from './missing-await.js';
import awaitUncalledFunction from './await-uncalled-function.js';
import asyncDunderMethod from './async-dunder-method.js';
import awaitSyncFunction from './await-sync-function.js';
import taskResultBeforeDone from './task-result-before-done.js';
import unusedAwaitable from './unused-awaitable.js';
import awaitOutsideAsync from './await-outside-async.js';
import nestedEventLoop from './nested-event-loop.js';
import coroutineInThread from './coroutine-in-thread.js';
import coroutineAsCallback from './coroutine-as-callback.js';
import getEventLoopInCoroutine from './get-event-loop-in-coroutine.js';
import syncWithAsyncContextManager from './sync-with-async-context-manager.js';
import syncForOverAsyncIterator from './sync-for-over-async-iterator.js';
import asyncWithSyncContextManager from './async-with-sync-context-manager.js';
import asyncForOverSyncIterable from './async-for-over-sync-iterable.js';
import awaitLockInWith from './await-lock-in-with.js';
import asyncOverrideMismatch from './async-override-mismatch.js';
import removedAsyncioApi from './removed-asyncio-api.js';
import deprecatedAsyncioApi from './deprecated-asyncio-api.js';
import danglingTask from './dangling-task.js';
import shieldWithoutReference from './shield-without-reference.js';
import executorPerCall from './executor-per-call.js';
import busyWait from './busy-wait.js';
import asyncLoopWithoutCheckpoint from './async-loop-without-checkpoint.js';
import timeoutWithoutAwait from './timeout-without-await.js';
import timeoutErrorAlias from './timeout-error-alias.js';
import constantDeadline from './constant-deadline.js';
import cancelScopeYield from './cancel-scope-yield.js';
import yieldInContextManager from './yield-in-context-manager.js';
import taskgroupControlFlow from './taskgroup-control-flow.js';
import taskOutlivesContext from './task-outlives-context.js';
import swallowedCancellation from './swallowed-cancellation.js';
import clientSessionPerRequest from './client-session-per-request.js';
import unclosedClientSession from './unclosed-client-session.js';
import unboundedGather from './unbounded-gather.js';
import waitWithCoroutines from './wait-with-coroutines.js';
import queueTaskDoneNotInFinally from './queue-task-done-not-in-finally.js';
import asyncTestWithoutRunner from './async-test-without-runner.js';
import asyncTestInSyncTestcase from './async-test-in-sync-testcase.js';

export const allRules: readonly Rule[] = [
  blockingSleep,
  blockingHttp,
  blockingSubprocess,
  blockingFileIo,
  blockingInput,
  blockingDatabase,
  blockingSocket,
  blockingConfiguredCall,
  blockingViaHelper,
  threadingLock,
  freshLock,
  missingAwait,
  awaitUncalledFunction,
  asyncDunderMethod,
  awaitSyncFunction,
  taskResultBeforeDone,
  unusedAwaitable,
  awaitOutsideAsync,
  nestedEventLoop,
  coroutineInThread,
  coroutineAsCallback,
  getEventLoopInCoroutine,
  syncWithAsyncContextManager,
  syncForOverAsyncIterator,
  asyncWithSyncContextManager,
  asyncForOverSyncIterable,
  awaitLockInWith,
  asyncOverrideMismatch,
  removedAsyncioApi,
  deprecatedAsyncioApi,
  danglingTask,
  shieldWithoutReference,
  executorPerCall,
  busyWait,
  asyncLoopWithoutCheckpoint,
  unboundedGather,
  waitWithCoroutines,
  timeoutWithoutAwait,
  timeoutErrorAlias,
  constantDeadline,
  cancelScopeYield,
  yieldInContextManager,
  taskgroupControlFlow,
  taskOutlivesContext,
  swallowedCancellation,
  clientSessionPerRequest,
  unclosedClientSession,
  queueTaskDoneNotInFinally,
  asyncTestWithoutRunner,
  asyncTestInSyncTestcase,
];

export function findRule(nameOrAlias: string): Rule | undefined {
  return allRules.find((rule) => ruleMatchesCode(rule, nameOrAlias));
}
