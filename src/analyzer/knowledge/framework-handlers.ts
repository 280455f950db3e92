// Classes whose subclasses' methods a framework calls itself, once per request or event: a Tornado handler's
// `get`, an aiohttp View's `post`, a Channels consumer's `receive`. The framework is such a method's caller:
// it awaits the method as the request's last step and carries on with nothing a swallowed cancellation could
// spoil (Tornado never cancels a handler; aiohttp cancels one only when its client has gone). Add a framework's
// base class here, with the methods it calls, naming the framework's docs in the comment.

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** The methods `methods` of classes importable as any of `names`. */
const calls = (names: readonly string[], methods: readonly string[]) => names.map((name) => [name, new Set(methods)] as const);

/** Base classes by qualified name (and the names they are importable as), with the methods their framework calls. */
export const FRAMEWORK_HANDLER_METHODS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  // https://www.tornadoweb.org/en/stable/web.html#entry-points
  ...calls(['tornado.web.RequestHandler'], [...HTTP_METHODS, 'prepare']),
  // https://www.tornadoweb.org/en/stable/websocket.html
  ...calls(['tornado.websocket.WebSocketHandler'], [...HTTP_METHODS, 'prepare', 'open', 'on_message']),
  // https://docs.aiohttp.org/en/stable/web_quickstart.html#class-based-views
  ...calls(['aiohttp.web.View', 'aiohttp.web_urldispatcher.View'], HTTP_METHODS),
  // https://www.starlette.io/endpoints/
  ...calls(['starlette.endpoints.HTTPEndpoint'], HTTP_METHODS),
  ...calls(['starlette.endpoints.WebSocketEndpoint'], ['on_connect', 'on_receive', 'on_disconnect']),
  // https://docs.djangoproject.com/en/stable/topics/async/#async-views (class-based views with async handlers)
  ...calls(['django.views.View', 'django.views.generic.View', 'django.views.generic.base.View'], HTTP_METHODS),
  // https://channels.readthedocs.io/en/stable/topics/consumers.html#asyncwebsocketconsumer
  ...calls(['channels.generic.websocket.AsyncWebsocketConsumer', 'channels.generic.websocket.AsyncJsonWebsocketConsumer'], ['connect', 'receive', 'receive_json', 'disconnect']),
]);

/** Calls that register the function they are given as a route handler, which the framework then calls per
 *  request: aiohttp's route definitions (`web.get("/", handler)`, `web.route("GET", "/", handler)`),
 *  https://docs.aiohttp.org/en/stable/web_reference.html#route-definition. (Calls named `add_*` or
 *  `register*` count whatever their library: see coroutine-starts.ts.) */
export const HANDLER_REGISTRATIONS: ReadonlySet<string> = new Set(
  [...HTTP_METHODS, 'route', 'view'].flatMap((verb) => [`aiohttp.web.${verb}`, `aiohttp.web_routedef.${verb}`]),
);
