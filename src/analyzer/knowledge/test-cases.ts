// unittest-style test case classes: which leave an `async def test_*` unawaited, and which run it. A class
// deriving from one of the first and none of the second is reported by async-test-in-sync-testcase. Add a
// library's test case here, with its docs named in the comment.

/** unittest's TestCase: it calls each test method and ignores what it returns. */
export const SYNC_TEST_CASES: ReadonlySet<string> = new Set(['unittest.TestCase', 'unittest.case.TestCase']);

/** Test cases that run coroutine test methods themselves. */
export const COROUTINE_TEST_CASES: ReadonlySet<string> = new Set([
  // https://docs.python.org/3/library/unittest.html#unittest.IsolatedAsyncioTestCase (3.8)
  'unittest.IsolatedAsyncioTestCase', 'unittest.async_case.IsolatedAsyncioTestCase',
  // https://docs.djangoproject.com/en/stable/topics/testing/tools/#testing-asynchronous-code (3.1): every
  // Django test case wraps async test methods with async_to_sync
  'django.test.SimpleTestCase', 'django.test.TestCase', 'django.test.TransactionTestCase', 'django.test.LiveServerTestCase',
  'django.test.testcases.SimpleTestCase', 'django.test.testcases.TestCase', 'django.test.testcases.TransactionTestCase',
  'django.test.testcases.LiveServerTestCase', 'channels.testing.ChannelsLiveServerTestCase',
  // https://docs.aiohttp.org/en/stable/testing.html#unittest
  'aiohttp.test_utils.AioHTTPTestCase',
  // https://asynctest.readthedocs.io/en/latest/asynctest.case.html
  'asynctest.TestCase', 'asynctest.case.TestCase', 'asynctest.ClockedTestCase', 'asynctest.case.ClockedTestCase',
  // https://github.com/kwarunek/aiounittest
  'aiounittest.AsyncTestCase',
  // https://docs.twisted.org/en/stable/core/howto/trial.html: trial waits for what a test returns
  'twisted.trial.unittest.TestCase', 'twisted.trial.unittest.SynchronousTestCase',
  // https://www.tornadoweb.org/en/stable/testing.html: a coroutine test without @gen_test fails loudly
  'tornado.testing.AsyncTestCase', 'tornado.testing.AsyncHTTPTestCase', 'tornado.testing.AsyncHTTPSTestCase',
]);

/** Methods through which a test case calls its tests: a class on the way that defines one may await them. */
export const TEST_RUNNING_METHODS: ReadonlySet<string> = new Set(['run', '_callTestMethod', '__call__', 'debug', '__getattribute__']);
