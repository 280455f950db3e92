// missing-await on the coroutines of the libraries applications use most (knowledge/libraries: discord.py,
// aiogram, SQLAlchemy's asyncio extension, the OpenAI and Anthropic async clients), where an annotation or a
// constructor says what the value is; their look-alikes stay silent.
import { beforeAll, describe, expect, it } from 'vitest';
import missingAwait from '../../rules/missing-await.js';
import { findingsIn } from '../helpers/analyze.js';

const lines = async (source: string) => (await findingsIn(source, { rules: [missingAwait], path: 'app/bot.py' })).map((f) => f.line);

describe('missing-await: application libraries', () => {
  beforeAll(async () => {
    await findingsIn('async def warm_up():\n    pass\n', { rules: [missingAwait] });
  });

  it('discord.py: a command context, a member, an interaction response', async () => {
    expect(await lines(`import discord
from discord.ext import commands


async def hello(ctx: commands.Context):
    ctx.send("hi")
    ctx.message.add_reaction("x")
    await ctx.send("ok")


async def welcome(member: discord.Member, interaction: discord.Interaction):
    member.send("welcome")
    interaction.response.send_message("hey")
    await interaction.followup.send("x")
    member.display_name.upper()
`)).toEqual([6, 7, 12, 13]);
  });

  it('aiogram: a message, a bot, a callback query', async () => {
    expect(await lines(`from aiogram import Bot
from aiogram.types import CallbackQuery, Message


async def start(message: Message, bot: Bot):
    message.answer("hi")
    bot.send_message(message.chat.id, "x")
    await message.reply("ok")


async def pressed(query: CallbackQuery):
    query.answer()
    query.message.edit_text("x")


async def untyped(message):
    message.answer("unknown: silent")
`)).toEqual([6, 7, 12, 13]);
  });

  it('SQLAlchemy asyncio: AsyncSession.delete is a coroutine, add is not, nor is Session.delete', async () => {
    expect(await lines(`from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session


async def remove(session: AsyncSession, item):
    session.delete(item)
    session.add(item)
    await session.commit()


async def legacy(session: Session, item):
    session.delete(item)


async def shutdown():
    engine = create_async_engine("sqlite+aiosqlite://")
    engine.dispose()
`)).toEqual([6, 17]);
  });

  it('the OpenAI and Anthropic async clients, through their resources; the sync clients stay silent', async () => {
    expect(await lines(`from anthropic import AsyncAnthropic
from openai import AsyncOpenAI, OpenAI

client = AsyncOpenAI()
claude = AsyncAnthropic()
blocking = OpenAI()


async def ask():
    client.chat.completions.create(model="m", messages=[])
    claude.messages.create(model="m", max_tokens=1, messages=[])
    blocking.chat.completions.create(model="m", messages=[])
    await client.embeddings.create(model="m", input="x")
`)).toEqual([10, 11]);
  });

  it('message brokers: aiokafka, aio-pika, nats', async () => {
    expect(await lines(`import aio_pika
import nats
from aiokafka import AIOKafkaProducer


async def publish(producer: AIOKafkaProducer, body):
    producer.send_and_wait("topic", body)
    await producer.flush()


async def rabbit(body):
    connection = await aio_pika.connect_robust("amqp://")
    channel = await connection.channel()
    queue = await channel.declare_queue("jobs")
    channel.default_exchange.publish(aio_pika.Message(body), routing_key="jobs")
    queue.bind("x")
    async with connection.channel() as other:
        await other.set_qos(prefetch_count=1)


async def broadcast(body):
    client = await nats.connect("nats://localhost:4222")
    client.publish("updates", body)
    await client.drain()
`)).toEqual([7, 15, 16, 23]);
  });

  it('playwright: a page from a browser from async_playwright(), a locator; the sync API stays silent', async () => {
    expect(await lines(`from playwright.async_api import async_playwright
from playwright.sync_api import Page as SyncPage


async def scrape(url):
    async with async_playwright() as p:
        browser = await p.chromium.launch()
        page = await browser.new_page()
        page.goto(url)
        page.locator("#submit").click()
        text = await page.inner_text("body")
        await browser.close()
        return text


def sync_scrape(page: SyncPage, url):
    page.goto(url)
`)).toEqual([9, 10]);
  });
});
