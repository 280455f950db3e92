// Playwright's async API: https://playwright.dev/python/docs/api/class-page (the sync API, `playwright.sync_api`,
// has the same names and blocks: not listed here). Every action and wait on a page is a coroutine; `locator()`
// is a plain method returning a Locator, whose actions are coroutines too.
import { defineLibrary } from '../library.js';

const PAGE_ACTIONS = 'goto reload click dblclick fill type press check uncheck hover select_option content title screenshot pdf evaluate '
  + 'wait_for_selector wait_for_timeout wait_for_load_state wait_for_url query_selector query_selector_all set_content inner_text '
  + 'inner_html text_content get_attribute set_viewport_size close';

export default defineLibrary({
  module: 'playwright.async_api',
  sources: ['https://playwright.dev/python/docs/api/class-page', 'https://playwright.dev/python/docs/api/class-locator', 'https://playwright.dev/python/docs/api/class-browser'],
  functions: {
    async_playwright: { asyncContextManager: true, enters: 'playwright.async_api.Playwright' },
  },
  classes: {
    Playwright: {
      attributes: { chromium: 'playwright.async_api.BrowserType', firefox: 'playwright.async_api.BrowserType', webkit: 'playwright.async_api.BrowserType' },
      coroutines: 'stop',
    },
    BrowserType: {
      methods: {
        launch: { coroutine: true, awaitReturns: 'playwright.async_api.Browser' },
        connect_over_cdp: { coroutine: true, awaitReturns: 'playwright.async_api.Browser' },
        launch_persistent_context: { coroutine: true, awaitReturns: 'playwright.async_api.BrowserContext' },
      },
    },
    Browser: {
      coroutines: 'close',
      methods: {
        new_page: { coroutine: true, awaitReturns: 'playwright.async_api.Page' },
        new_context: { coroutine: true, awaitReturns: 'playwright.async_api.BrowserContext' },
      },
    },
    BrowserContext: {
      coroutines: 'close add_cookies cookies route',
      methods: { new_page: { coroutine: true, awaitReturns: 'playwright.async_api.Page' } },
    },
    Page: {
      coroutines: PAGE_ACTIONS,
      methods: { locator: { returns: 'playwright.async_api.Locator' }, get_by_role: { returns: 'playwright.async_api.Locator' }, get_by_text: { returns: 'playwright.async_api.Locator' } },
    },
    Locator: {
      coroutines: 'click dblclick fill type press check uncheck hover select_option text_content inner_text inner_html get_attribute count is_visible is_enabled wait_for all_text_contents screenshot',
      methods: { locator: { returns: 'playwright.async_api.Locator' } },
    },
  },
});
