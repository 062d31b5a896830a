#!/usr/bin/env node
/**
 * The built-in demo agent: a stand-in for Claude Code that needs no account. It speaks Claude Code's
 * headless stream-json (`claude -p --verbose --output-format stream-json --input-format stream-json`):
 *
 * - prints a `system` init event with a session id (a new one, or the one given by `--resume <id>`);
 * - reads stream-json user turns on stdin and answers each: `assistant` text in several chunks, one
 *   tool use (it lists the working directory, for real) and its result, then a `result` with a cost;
 * - honours the interrupt control request (the turn stops, a control_response answers it);
 * - exits when its input ends, after the turn in progress.
 *
 * Plain Node.js on purpose: the server runs it as `process.execPath demo-agent.js`, with no build step.
 * `--delay-ms <n>` sets the pause between chunks (default 150 ms, so a screen visibly streams).
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const readline = require('node:readline');

const argv = process.argv.slice(2);
function option(name) {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

const resumeId = option('--resume');
const delayMs = Math.max(0, Number(option('--delay-ms') ?? 150) || 0);
const sessionId = resumeId || crypto.randomUUID();
const cwd = process.cwd();

let turns = 0;
let totalCostUsd = 0;
/** The turn being answered: `{interrupted}`; null between turns. */
let current = null;
const pending = [];
let inputEnded = false;

function send(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function assistant(content) {
  send({ type: 'assistant', message: { id: `msg_demo_${crypto.randomBytes(6).toString('hex')}`, type: 'message', role: 'assistant', model: 'demo', content }, session_id: sessionId });
}

function short(text) {
  const line = String(text).replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** Waits one chunk's delay; false when the turn was interrupted meanwhile. */
function pause(turn) {
  return new Promise((resolve) => setTimeout(() => resolve(!turn.interrupted), delayMs));
}

/** One chunk of assistant text after a pause; false when the turn was interrupted first. */
async function say(turn, text) {
  if (!(await pause(turn))) return false;
  assistant([{ type: 'text', text }]);
  return true;
}

/** The one tool use of a turn: it lists the working directory, for real. */
function listDirectory() {
  const toolUseId = `toolu_demo_${turns}`;
  assistant([{ type: 'tool_use', id: toolUseId, name: 'LS', input: { path: cwd } }]);
  let entries = 0;
  try {
    entries = fs.readdirSync(cwd).length;
  } catch {
    entries = 0;
  }
  send({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: `${entries} entries in ${cwd}`, is_error: false }] }, session_id: sessionId });
  return entries;
}

/** The turn's chunks in order; false when it was interrupted. */
async function speak(turn, prompt) {
  const resumed = resumeId && turns === 1 ? ' (This conversation was resumed.)' : '';
  if (!(await say(turn, `You asked: "${short(prompt)}".${resumed}`))) return false;
  if (!(await say(turn, 'Let me look at the working directory first.'))) return false;
  if (!(await pause(turn))) return false;
  const entries = listDirectory();
  if (!(await say(turn, `The folder holds ${entries} entries.`))) return false;
  return say(turn, `That is all for turn ${turns}.`);
}

async function answer(prompt) {
  const turn = { interrupted: false };
  current = turn;
  turns += 1;
  const started = Date.now();
  const done = await speak(turn, prompt);
  totalCostUsd = Math.round((totalCostUsd + (done ? 0.0042 : 0.0011)) * 1e6) / 1e6;
  send({
    type: 'result',
    subtype: done ? 'success' : 'error_during_execution',
    is_error: !done,
    duration_ms: Date.now() - started,
    num_turns: turns,
    result: done ? `Answered "${short(prompt)}" after looking at ${cwd}.` : 'Interrupted.',
    session_id: sessionId,
    total_cost_usd: totalCostUsd,
  });
  current = null;
}

async function drain() {
  while (pending.length > 0 && !current) await answer(pending.shift());
  if (inputEnded && !current && pending.length === 0) process.exit(0);
}

function textOf(message) {
  const content = message && message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((block) => (block && typeof block.text === 'string' ? block.text : '')).join('');
  return '';
}

send({ type: 'system', subtype: 'init', session_id: sessionId, cwd, model: 'demo', tools: ['LS'], resumed: Boolean(resumeId) });

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    return; // not stream-json: ignored, as Claude Code would refuse it
  }
  if (event && event.type === 'user') {
    pending.push(textOf(event.message));
    void drain();
  } else if (event && event.type === 'control_request' && event.request && event.request.subtype === 'interrupt') {
    if (current) current.interrupted = true;
    pending.length = 0;
    send({ type: 'control_response', response: { subtype: 'success', request_id: event.request_id } });
  }
});
input.on('close', () => {
  inputEnded = true;
  void drain();
});
