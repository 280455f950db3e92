// aiogram 3 (and 2): https://docs.aiogram.dev/en/latest/api/ — every Bot API method is a coroutine, and the
// types' shortcuts (`message.answer(...)`) call them. Only the commonest are listed: add more as needed.
import { defineLibrary } from '../library.js';

const SENDS = 'send_message send_photo send_document send_video send_audio send_voice send_sticker send_animation send_location send_media_group send_chat_action';
const EDITS = 'edit_message_text edit_message_reply_markup edit_message_caption delete_message forward_message copy_message answer_callback_query';

export default defineLibrary({
  module: 'aiogram',
  sources: ['https://docs.aiogram.dev/en/latest/api/bot.html', 'https://docs.aiogram.dev/en/latest/api/types/message.html', 'https://docs.aiogram.dev/en/latest/api/types/callback_query.html'],
  classes: {
    Bot: {
      aliases: ['aiogram.client.bot.Bot'],
      coroutines: `${SENDS} ${EDITS} get_me get_chat get_chat_member set_my_commands delete_webhook set_webhook get_updates get_file`,
    },
    // `start_polling` is a coroutine in aiogram 2 and 3 (`run_polling` blocks); `stop_polling` is not, in 2.
    Dispatcher: { coroutines: 'start_polling' },
    'types.Message': {
      aliases: ['aiogram.types.message.Message'],
      coroutines: 'answer reply answer_photo answer_document answer_video answer_sticker reply_photo edit_text edit_reply_markup edit_caption delete forward copy_to pin unpin',
      attributes: { bot: 'aiogram.Bot' },
    },
    'types.CallbackQuery': {
      aliases: ['aiogram.types.callback_query.CallbackQuery'],
      coroutines: 'answer',
      attributes: { message: 'aiogram.types.Message', bot: 'aiogram.Bot' },
    },
  },
});
