// discord.py (and its forks that keep the `discord` package: py-cord, nextcord keep their own names):
// https://discordpy.readthedocs.io/en/stable/api.html — every API call that talks to Discord is a coroutine
// ("This function is a coroutine." in the reference). Only the commonest are listed: add more as needed.
import { defineLibrary, type ClassKnowledge } from '../library.js';

/** `abc.Messageable`: channels, users, members and command contexts all send this way. */
const MESSAGEABLE = 'send fetch_message pins';
const MESSAGEABLE_ITERATORS: ClassKnowledge['methods'] = { history: { asyncIterable: true } };

export default defineLibrary({
  module: 'discord',
  sources: ['https://discordpy.readthedocs.io/en/stable/api.html', 'https://discordpy.readthedocs.io/en/stable/ext/commands/api.html', 'https://discordpy.readthedocs.io/en/stable/interactions/api.html'],
  classes: {
    Client: {
      aliases: ['discord.AutoShardedClient', 'discord.ext.commands.Bot', 'discord.ext.commands.AutoShardedBot'],
      coroutines: 'login connect start close fetch_user fetch_channel fetch_guild wait_for change_presence wait_until_ready create_dm fetch_invite application_info',
    },
    Message: {
      coroutines: 'reply delete edit add_reaction remove_reaction clear_reactions pin unpin publish create_thread fetch',
      attributes: { channel: 'discord.abc.Messageable', author: 'discord.abc.Messageable', guild: 'discord.Guild' },
    },
    'abc.Messageable': { coroutines: MESSAGEABLE, methods: MESSAGEABLE_ITERATORS },
    TextChannel: { coroutines: `${MESSAGEABLE} purge delete edit set_permissions create_webhook create_thread`, methods: MESSAGEABLE_ITERATORS },
    Thread: { coroutines: `${MESSAGEABLE} delete edit join leave add_user remove_user`, methods: MESSAGEABLE_ITERATORS },
    DMChannel: { coroutines: MESSAGEABLE, methods: MESSAGEABLE_ITERATORS },
    User: { coroutines: `${MESSAGEABLE} create_dm`, methods: MESSAGEABLE_ITERATORS },
    Member: {
      coroutines: `${MESSAGEABLE} create_dm add_roles remove_roles kick ban edit move_to timeout`,
      methods: MESSAGEABLE_ITERATORS,
      attributes: { guild: 'discord.Guild' },
    },
    Guild: { coroutines: 'fetch_member fetch_channel fetch_roles create_text_channel create_voice_channel create_role ban unban kick leave edit' },
    Interaction: {
      attributes: { response: 'discord.InteractionResponse', followup: 'discord.Webhook', channel: 'discord.abc.Messageable', user: 'discord.abc.Messageable', guild: 'discord.Guild' },
      coroutines: 'original_response edit_original_response delete_original_response',
    },
    InteractionResponse: { coroutines: 'send_message defer edit_message send_modal pong' },
    Webhook: { coroutines: 'send edit_message delete_message fetch' },
    'ext.commands.Context': {
      coroutines: `${MESSAGEABLE} reply invoke reinvoke send_help defer`,
      methods: MESSAGEABLE_ITERATORS,
      attributes: { message: 'discord.Message', channel: 'discord.abc.Messageable', author: 'discord.abc.Messageable', guild: 'discord.Guild', bot: 'discord.Client' },
    },
  },
});
