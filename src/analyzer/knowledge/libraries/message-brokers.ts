// Async clients of message brokers. aiokafka: https://aiokafka.readthedocs.io/en/stable/api.html; aio-pika
// (7 and later): https://docs.aio-pika.com/apidoc.html; nats-py: https://nats-io.github.io/nats.py/modules.html.
// Only the calls whose forgotten `await` loses a message or a connection are listed: add more as needed.
import { defineLibrary, type CallableKnowledge } from '../library.js';

export const aiokafka = defineLibrary({
  module: 'aiokafka',
  sources: ['https://aiokafka.readthedocs.io/en/stable/api.html'],
  classes: {
    AIOKafkaProducer: { coroutines: 'start stop send send_and_wait flush', asyncContextManager: true },
    AIOKafkaConsumer: { coroutines: 'start stop getone getmany commit', asyncContextManager: true, asyncIterable: true },
  },
});

/** `connection.channel()`: awaited, or entered with `async with`, an open channel. */
const CHANNEL: CallableKnowledge = { coroutine: true, awaitReturns: 'aio_pika.Channel', asyncContextManager: true, enters: 'aio_pika.Channel' };

export const aioPika = defineLibrary({
  module: 'aio_pika',
  sources: ['https://docs.aio-pika.com/apidoc.html', 'https://docs.aio-pika.com/quick-start.html'],
  functions: {
    connect: { coroutine: true, awaitReturns: 'aio_pika.Connection' },
    connect_robust: { coroutine: true, awaitReturns: 'aio_pika.RobustConnection' },
  },
  classes: {
    Connection: { aliases: ['aio_pika.abc.AbstractConnection'], coroutines: 'close', methods: { channel: CHANNEL }, asyncContextManager: true },
    RobustConnection: { aliases: ['aio_pika.abc.AbstractRobustConnection'], coroutines: 'close', methods: { channel: CHANNEL }, asyncContextManager: true },
    Channel: {
      aliases: ['aio_pika.RobustChannel', 'aio_pika.abc.AbstractChannel', 'aio_pika.abc.AbstractRobustChannel'],
      coroutines: 'set_qos close get_exchange get_queue',
      methods: {
        declare_queue: { coroutine: true, awaitReturns: 'aio_pika.Queue' },
        declare_exchange: { coroutine: true, awaitReturns: 'aio_pika.Exchange' },
      },
      attributes: { default_exchange: 'aio_pika.Exchange' },
    },
    Exchange: { aliases: ['aio_pika.abc.AbstractExchange'], coroutines: 'publish bind unbind delete' },
    Queue: {
      aliases: ['aio_pika.RobustQueue', 'aio_pika.abc.AbstractQueue'],
      coroutines: 'bind unbind consume cancel get purge delete',
      methods: { iterator: { asyncContextManager: true, asyncIterable: true } },
    },
  },
});

export const nats = defineLibrary({
  module: 'nats',
  sources: ['https://nats-io.github.io/nats.py/modules.html'],
  functions: {
    connect: { coroutine: true, awaitReturns: 'nats.aio.client.Client' },
  },
  classes: {
    'aio.client.Client': {
      aliases: ['nats.NATS'],
      coroutines: 'connect publish subscribe request flush drain close',
      methods: { jetstream: { returns: 'nats.js.JetStreamContext' } },
    },
    'js.JetStreamContext': { coroutines: 'publish subscribe pull_subscribe' },
  },
});
