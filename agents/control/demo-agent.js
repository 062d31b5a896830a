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
 * File changes, so tests and demos can make real changes in a worktree: a turn whose lines include
 * `write <path>` (the lines after it, up to the next command, are the file's content) or
 * `delete <path>` does those instead, each as a `Write` / `Delete` tool use. With
 * `--permission-prompt-tool stdio` (Claude Code's flag) it first asks, as Claude Code does: a
 * `control_request` of subtype `can_use_tool` on stdout, then waits for the `control_response` on
 * stdin (`behavior: "allow"` with `updatedInput`, or `"deny"` with a `message`). Paths stay inside the
 * working directory.
 *
 * Plain Node.js on purpose: the server runs it as `process.execPath demo-agent.js`, with no build step.
 * `--delay-ms <n>` sets the pause between chunks (default 150 ms, so a screen visibly streams).
 *
 * `--gateway [messages|responses]` answers with a real model instead, through the product's model
 * gateway (an agent defined with `model_gateway: true` gets its address and a session token in its
 * environment): each turn is one streamed call, with `fetch`, to the Anthropic Messages API
 * (`ANTHROPIC_BASE_URL`, `ANTHROPIC_API_KEY`; the conversation is resent each turn) or the OpenAI
 * Responses API (`OPENAI_BASE_URL`, `OPENAI_API_KEY`; turns are chained with `previous_response_id`,
 * which the gateway keeps). The result's cost is the session's, as the gateway counted it
 * (`GET /v1/status`). `--model <name>` picks the model.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const argv = process.argv.slice(2);
function option(name) {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

const resumeId = option('--resume');
const asksPermission = option('--permission-prompt-tool') === 'stdio';
const gatewayIndex = argv.indexOf('--gateway');
/** `messages`, `responses`, or null (the scripted answers). */
const gatewayApi = gatewayIndex < 0 ? null : argv[gatewayIndex + 1] === 'responses' ? 'responses' : 'messages';
const model = option('--model') || (gatewayApi === 'responses' ? 'gpt-5-mini' : process.env.ANTHROPIC_MODEL || 'claude-haiku-4-5');
const delayMs = Math.max(0, Number(option('--delay-ms') ?? 150) || 0);
const sessionId = resumeId || crypto.randomUUID();
const cwd = process.cwd();

let turns = 0;
let totalCostUsd = 0;
/** The turn being answered: `{interrupted}`; null between turns. */
let current = null;
/** Permission requests waiting for their control_response: request id → resolve(response). */
const waiting = new Map();
let requests = 0;
let toolUses = 0;
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

/** The file commands of a turn: `write <path>` + content lines, `delete <path>`; [] for an ordinary turn. */
function fileCommands(prompt) {
  const commands = [];
  for (const line of String(prompt).split('\n')) {
    const match = /^(write|delete) (\S.*)$/.exec(line);
    if (match) commands.push({ tool: match[1] === 'write' ? 'Write' : 'Delete', path: match[2].trim(), lines: [] });
    else if (commands.length > 0) commands[commands.length - 1].lines.push(line);
  }
  return commands;
}

/** Asks the user (through the server) whether a tool may run; resolves with the control_response's answer. */
function askPermission(turn, tool, input, toolUseId) {
  requests += 1;
  const requestId = `demo-perm-${requests}`;
  send({ type: 'control_request', request_id: requestId, request: { subtype: 'can_use_tool', tool_name: tool, input, tool_use_id: toolUseId, permission_suggestions: [] } });
  return new Promise((resolve) => {
    waiting.set(requestId, resolve);
    turn.cancel = () => resolve({ behavior: 'deny', message: 'Interrupted.' });
  });
}

/** A path the demo may touch: relative, inside the working directory. */
function inside(relative) {
  const absolute = path.resolve(cwd, relative);
  return absolute.startsWith(cwd + path.sep) ? absolute : null;
}

/** Runs one file command (asking first when told to); answers the line the result reports. */
async function runFileCommand(turn, command) {
  toolUses += 1;
  const toolUseId = `toolu_demo_${turns}_${toolUses}`;
  let input = command.tool === 'Write' ? { file_path: command.path, content: `${command.lines.join('\n').replace(/\n+$/, '')}\n` } : { file_path: command.path };
  assistant([{ type: 'tool_use', id: toolUseId, name: command.tool, input }]);
  const reply = (content, isError) => send({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content, is_error: isError }] }, session_id: sessionId });
  if (asksPermission) {
    const answer = await askPermission(turn, command.tool, input, toolUseId);
    if (!answer || answer.behavior !== 'allow') {
      const why = (answer && answer.message) || 'Permission denied.';
      reply(why, true);
      return `${command.tool} ${command.path} refused: ${why}`;
    }
    if (answer.updatedInput && typeof answer.updatedInput === 'object') input = answer.updatedInput;
  }
  const target = inside(String(input.file_path));
  if (!target) {
    reply(`${input.file_path} is outside the working directory.`, true);
    return `${command.tool} ${input.file_path} refused: outside the working directory`;
  }
  try {
    if (command.tool === 'Write') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, String(input.content));
    } else {
      fs.rmSync(target);
    }
  } catch (error) {
    reply(String(error.message), true);
    return `${command.tool} ${input.file_path} failed`;
  }
  reply(command.tool === 'Write' ? `Wrote ${Buffer.byteLength(String(input.content))} bytes to ${input.file_path}` : `Deleted ${input.file_path}`, false);
  return `${command.tool === 'Write' ? 'Wrote' : 'Deleted'} ${input.file_path}`;
}

/** A file turn: each command in order; the result lists what was done. */
async function changeFiles(turn, commands) {
  const done = [];
  if (!(await say(turn, `Changing ${commands.length} file${commands.length === 1 ? '' : 's'}.`))) return null;
  for (const command of commands) {
    if (turn.interrupted) return null;
    done.push(await runFileCommand(turn, command));
  }
  return done.join('; ');
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

/** Server-Sent Events from a fetch body: calls `onEvent(name, data)` for each event. */
async function readEvents(body, onEvent) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: ?(.*)$/m.exec(block);
      const data = /^data: ?(.*)$/m.exec(block);
      if (data) onEvent(name ? name[1] : '', JSON.parse(data[1]));
    }
  }
}

/** The conversation so far (Messages mode) and the last response id (Responses mode). */
const history = [];
let lastResponseId = null;

/** One model call through the gateway; the text of each finished block is an assistant event. */
async function callModel(turn, prompt) {
  const messages = gatewayApi === 'messages';
  const url = messages ? `${process.env.ANTHROPIC_BASE_URL}/v1/messages` : `${process.env.OPENAI_BASE_URL}/responses`;
  const headers = messages
    ? { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY || '', 'anthropic-version': '2023-06-01' }
    : { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY || ''}` };
  if (messages) history.push({ role: 'user', content: prompt });
  const body = messages
    ? { model, max_tokens: 1024, stream: true, messages: history }
    : { model, input: prompt, stream: true, ...(lastResponseId ? { previous_response_id: lastResponseId } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: turn.controller.signal });
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    throw new Error(`${response.status}: ${(error.error && error.error.message) || response.statusText}`);
  }
  let text = '';
  let failure = null;
  await readEvents(response.body, (name, data) => {
    if (name === 'content_block_delta' && data.delta && data.delta.type === 'text_delta') text += data.delta.text;
    else if (name === 'response.output_text.delta') text += data.delta;
    else if ((name === 'content_block_stop' || name === 'response.output_item.done') && text) {
      assistant([{ type: 'text', text }]);
      if (messages) history.push({ role: 'assistant', content: text });
      text = '';
    } else if (name === 'response.completed') lastResponseId = data.response.id;
    else if (name === 'error') failure = (data.error && data.error.message) || data.message || 'the model failed';
  });
  if (failure) throw new Error(failure);
}

/** The session's cost so far, as the gateway counted it. */
async function sessionCost() {
  const base = gatewayApi === 'messages' ? `${process.env.ANTHROPIC_BASE_URL}/v1` : process.env.OPENAI_BASE_URL;
  const key = gatewayApi === 'messages' ? process.env.ANTHROPIC_API_KEY : process.env.OPENAI_API_KEY;
  const response = await fetch(`${base}/status`, { headers: { authorization: `Bearer ${key || ''}` } });
  if (!response.ok) return undefined;
  const status = await response.json();
  return status.usage && status.usage.session ? status.usage.session.cost_usd : undefined;
}

/** A turn answered by a model through the gateway. */
async function answerWithModel(turn, prompt) {
  const started = Date.now();
  let error = null;
  try {
    await callModel(turn, prompt);
  } catch (e) {
    error = turn.interrupted ? 'Interrupted.' : `The model call failed: ${e.message}`;
    // A turn without an answer is not part of the conversation the next turn resends.
    if (history.length > 0 && history[history.length - 1].role === 'user') history.pop();
  }
  const cost = await sessionCost().catch(() => undefined);
  send({
    type: 'result',
    subtype: error ? 'error_during_execution' : 'success',
    is_error: Boolean(error),
    duration_ms: Date.now() - started,
    num_turns: turns,
    result: error || `Answered "${short(prompt)}" with ${model} through the model gateway.`,
    session_id: sessionId,
    ...(cost !== undefined ? { total_cost_usd: cost } : {}),
  });
}

async function answer(prompt) {
  // `cancel` ends a permission wait; `controller` a model call through the gateway.
  const turn = { interrupted: false, cancel: null, controller: new AbortController() };
  current = turn;
  turns += 1;
  if (gatewayApi) {
    await answerWithModel(turn, prompt);
    current = null;
    return;
  }
  const started = Date.now();
  const commands = fileCommands(prompt);
  const summary = commands.length > 0 ? await changeFiles(turn, commands) : null;
  const done = commands.length > 0 ? summary !== null && !turn.interrupted : await speak(turn, prompt);
  totalCostUsd = Math.round((totalCostUsd + (done ? 0.0042 : 0.0011)) * 1e6) / 1e6;
  send({
    type: 'result',
    subtype: done ? 'success' : 'error_during_execution',
    is_error: !done,
    duration_ms: Date.now() - started,
    num_turns: turns,
    result: !done ? 'Interrupted.' : summary !== null ? `${summary}.` : `Answered "${short(prompt)}" after looking at ${cwd}.`,
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

send({
  type: 'system',
  subtype: 'init',
  session_id: sessionId,
  cwd,
  model: gatewayApi ? model : 'demo',
  tools: gatewayApi ? [] : ['LS', 'Write', 'Delete'],
  permissionMode: asksPermission ? 'default' : 'acceptEdits',
  resumed: Boolean(resumeId),
});

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
  } else if (event && event.type === 'control_response' && event.response && waiting.has(event.response.request_id)) {
    const resolve = waiting.get(event.response.request_id);
    waiting.delete(event.response.request_id);
    resolve(event.response.response);
  } else if (event && event.type === 'control_request' && event.request && event.request.subtype === 'interrupt') {
    if (current) {
      current.interrupted = true;
      if (current.cancel) current.cancel();
      current.controller.abort();
    }
    pending.length = 0;
    send({ type: 'control_response', response: { subtype: 'success', request_id: event.request_id } });
  }
});
input.on('close', () => {
  inputEnded = true;
  void drain();
});
