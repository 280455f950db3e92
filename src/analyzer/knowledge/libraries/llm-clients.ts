// The async clients of the OpenAI and Anthropic SDKs: https://github.com/openai/openai-python (api.md),
// https://github.com/anthropics/anthropic-sdk-python (api.md). Each resource's `create` on the Async client is
// a coroutine (the sync `OpenAI` / `Anthropic` clients block: not listed here).
import { defineLibrary } from '../library.js';

export const openai = defineLibrary({
  module: 'openai',
  sources: ['https://github.com/openai/openai-python/blob/main/api.md'],
  classes: {
    AsyncOpenAI: {
      aliases: ['openai.AsyncAzureOpenAI'],
      attributes: {
        chat: 'openai.resources.chat.AsyncChat', embeddings: 'openai.resources.AsyncEmbeddings', images: 'openai.resources.AsyncImages',
        moderations: 'openai.resources.AsyncModerations', responses: 'openai.resources.responses.AsyncResponses', completions: 'openai.resources.AsyncCompletions',
      },
      coroutines: 'close',
      asyncContextManager: true,
    },
    'resources.chat.AsyncChat': { attributes: { completions: 'openai.resources.chat.AsyncCompletions' } },
    'resources.chat.AsyncCompletions': { coroutines: 'create parse' },
    'resources.AsyncEmbeddings': { coroutines: 'create' },
    'resources.AsyncImages': { coroutines: 'generate edit create_variation' },
    'resources.AsyncModerations': { coroutines: 'create' },
    'resources.responses.AsyncResponses': { coroutines: 'create retrieve delete' },
    'resources.AsyncCompletions': { coroutines: 'create' },
  },
});

export const anthropic = defineLibrary({
  module: 'anthropic',
  sources: ['https://github.com/anthropics/anthropic-sdk-python/blob/main/api.md'],
  classes: {
    AsyncAnthropic: {
      attributes: { messages: 'anthropic.resources.AsyncMessages' },
      coroutines: 'close',
      asyncContextManager: true,
    },
    'resources.AsyncMessages': { coroutines: 'create count_tokens' },
  },
});
