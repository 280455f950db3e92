// Every library table in ./libraries/, assembled into the lookup tables the semantic model and the rules
// read (by qualified name: `aiohttp.ClientSession.get`). To teach async-review a library, add a file there
// and list it below; nothing else changes (README: "Teaching async-review a library").
import type { AdviceByLibrary, BlockingCall, CallableKnowledge, ClassKnowledge, LibraryKnowledge, Role } from './library.js';
import aiodocker from './libraries/aiodocker.js';
import aiogram from './libraries/aiogram.js';
import aiofiles from './libraries/aiofiles.js';
import aiohttp from './libraries/aiohttp.js';
import aiosqlite from './libraries/aiosqlite.js';
import anyio from './libraries/anyio.js';
import asyncio from './libraries/asyncio.js';
import asyncpg from './libraries/asyncpg.js';
import builtins from './libraries/builtins.js';
import contextlib from './libraries/contextlib.js';
import discord from './libraries/discord.js';
import httpClient from './libraries/http-client.js';
import httpx from './libraries/httpx.js';
import io from './libraries/io.js';
import { anthropic, openai } from './libraries/llm-clients.js';
import { aiokafka, aioPika, nats } from './libraries/message-brokers.js';
import motor from './libraries/motor.js';
import mysqlConnector from './libraries/mysql-connector.js';
import mysqldb from './libraries/mysqldb.js';
import os from './libraries/os.js';
import pathlib from './libraries/pathlib.js';
import playwright from './libraries/playwright.js';
import psycopg from './libraries/psycopg.js';
import psycopg2 from './libraries/psycopg2.js';
import pymongo from './libraries/pymongo.js';
import pymysql from './libraries/pymysql.js';
import redis from './libraries/redis.js';
import redisAsyncio from './libraries/redis-asyncio.js';
import requests from './libraries/requests.js';
import { asyncLru, backoff, tenacity } from './libraries/retry-decorators.js';
import socket from './libraries/socket.js';
import sqlalchemyAsyncio from './libraries/sqlalchemy-asyncio.js';
import sqlite3 from './libraries/sqlite3.js';
import ssl from './libraries/ssl.js';
import homeassistant from './libraries/homeassistant.js';
import stdlibStarExports from './libraries/stdlib-star-exports.js';
import subprocess from './libraries/subprocess.js';
import threading from './libraries/threading.js';
import time from './libraries/time.js';
import trio from './libraries/trio.js';
import urllib from './libraries/urllib.js';
import urllib3 from './libraries/urllib3.js';
import uvloop from './libraries/uvloop.js';
import websockets from './libraries/websockets.js';

export const LIBRARIES: readonly LibraryKnowledge[] = [
  asyncio, uvloop, aiohttp, httpx, asyncpg, aiosqlite, aiofiles, aiodocker, redisAsyncio, motor, anyio, trio, websockets, contextlib,
  discord, aiogram, sqlalchemyAsyncio, openai, anthropic, aiokafka, aioPika, nats, playwright,
  tenacity, backoff, asyncLru,
  requests, urllib, urllib3, httpClient, time, socket, subprocess, os, sqlite3, psycopg2, psycopg, pymysql, mysqldb,
  mysqlConnector, pymongo, redis, pathlib, ssl, io, builtins, threading, ...stdlibStarExports, homeassistant,
];

/** The tables, each keyed by qualified name. */
export interface KnowledgeTables {
  coroutineFunctions: Set<string>;
  callResultTypes: Map<string, string>;
  callResultElementTypes: Map<string, readonly string[]>;
  awaitResultTypes: Map<string, string>;
  awaitResultElementTypes: Map<string, readonly string[]>;
  attributeTypes: Map<string, string>;
  contextEnterTypes: Map<string, string>;
  asyncOnlyContextManagers: Set<string>;
  asyncOnlyIterables: Set<string>;
  blockingCalls: Map<string, BlockingCall>;
  closeMethods: Map<string, string>;
  asyncEquivalents: Map<string, AdviceByLibrary>;
  roles: Map<Role, Set<string>>;
  starExports: Map<string, Set<string>>;
  /** Rules off by default, by the modules whose importers they run for (`blocking-file-io` → `homeassistant`). */
  enforcedBy: Map<string, string[]>;
  /** Worker-thread conventions of host frameworks, by module (`homeassistant` → `hass.async_add_executor_job`). */
  executors: Map<string, { receiver: string; method: string }>;
}

const join = (prefix: string, name: string) => (name ? `${prefix}.${name}` : prefix);
const words = (text: string | undefined) => (text ? text.split(/\s+/).filter(Boolean) : []);

/** Builds the tables from library files; throws when two files disagree on one name (a table's mistake
 *  must not pass silently). */
export function assemble(libraries: readonly LibraryKnowledge[]): KnowledgeTables {
  const tables: KnowledgeTables = {
    coroutineFunctions: new Set(), callResultTypes: new Map(), callResultElementTypes: new Map(), awaitResultTypes: new Map(),
    awaitResultElementTypes: new Map(), attributeTypes: new Map(), contextEnterTypes: new Map(), asyncOnlyContextManagers: new Set(),
    asyncOnlyIterables: new Set(), blockingCalls: new Map(), closeMethods: new Map(), asyncEquivalents: new Map(), roles: new Map(), starExports: new Map(), enforcedBy: new Map(), executors: new Map(),
  };
  const put = <V>(map: Map<string, V>, key: string, value: V) => {
    const known = map.get(key);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(value)) throw new Error(`library knowledge: two values for ${key}`);
    map.set(key, value);
  };
  const addRole = (role: Role, name: string) => {
    let names = tables.roles.get(role);
    if (!names) tables.roles.set(role, (names = new Set()));
    names.add(name);
  };
  const addCallable = (name: string, call: CallableKnowledge) => {
    if (call.coroutine) tables.coroutineFunctions.add(name);
    if (call.returns) put(tables.callResultTypes, name, call.returns);
    if (call.returnsTuple) put(tables.callResultElementTypes, name, call.returnsTuple);
    if (call.awaitReturns) put(tables.awaitResultTypes, name, call.awaitReturns);
    if (call.awaitReturnsTuple) put(tables.awaitResultElementTypes, name, call.awaitReturnsTuple);
    // A call's value is typed by what was called (unless `returns` says otherwise): the facts about the
    // value are keyed by the callable's name, or by the type it returns.
    const valueType = call.returns ?? name;
    if (call.asyncContextManager) tables.asyncOnlyContextManagers.add(valueType);
    if (call.enters) put(tables.contextEnterTypes, valueType, call.enters);
    if (call.asyncIterable) tables.asyncOnlyIterables.add(valueType);
    if (call.blocking) put(tables.blockingCalls, name, call.blocking);
    for (const role of call.roles ?? []) addRole(role, name);
  };
  const addClass = (canonical: string, name: string, cls: ClassKnowledge) => {
    if (name !== canonical) put(tables.callResultTypes, name, canonical);
    for (const method of words(cls.coroutines)) tables.coroutineFunctions.add(`${name}.${method}`);
    for (const [method, call] of Object.entries(cls.methods ?? {})) addCallable(`${name}.${method}`, call);
    for (const [attribute, type] of Object.entries(cls.attributes ?? {})) put(tables.attributeTypes, `${name}.${attribute}`, type);
    if (cls.asyncContextManager) tables.asyncOnlyContextManagers.add(name);
    if (cls.enters) put(tables.contextEnterTypes, name, cls.enters);
    if (cls.asyncIterable) tables.asyncOnlyIterables.add(name);
    if (cls.closeMethod) put(tables.closeMethods, name, cls.closeMethod);
    if (cls.asyncEquivalent) put(tables.asyncEquivalents, name, cls.asyncEquivalent);
    for (const role of cls.roles ?? []) addRole(role, name);
  };
  for (const library of libraries) {
    const { module } = library;
    for (const name of words(library.coroutines)) tables.coroutineFunctions.add(join(module, name));
    for (const [name, call] of Object.entries(library.functions ?? {})) addCallable(join(module, name), call);
    for (const [name, cls] of Object.entries(library.classes ?? {})) {
      const canonical = join(module, name);
      // An alias (`aiohttp.client.ClientSession`) is the same class: every fact holds under its name too.
      for (const alias of [canonical, ...(cls.aliases ?? [])]) addClass(canonical, alias, cls);
    }
    for (const [submodule, names] of Object.entries(library.starExports ?? {})) tables.starExports.set(join(module, submodule), new Set(words(names)));
    for (const rule of library.enforces ?? []) tables.enforcedBy.set(rule, [...(tables.enforcedBy.get(rule) ?? []), module]);
    if (library.executor) tables.executors.set(module, library.executor);
  }
  return tables;
}

export const KNOWLEDGE: KnowledgeTables = assemble(LIBRARIES);

/** The names with a role, across every library. */
export function withRole(role: Role): ReadonlySet<string> {
  return KNOWLEDGE.roles.get(role) ?? new Set();
}
