/**
 * Agent definitions: which agents exist, how each one is started, and its role. They live in a JSON
 * file in the data dir (`<data>/agents.json` unless `A2UI_AGENTS_FILE` says otherwise), created with
 * defaults on first start: the built-in `demo` agent, `claude` when the Claude Code CLI is on PATH,
 * and a plain `git-status` steward. Only these can ever start: a client names an agent, never a
 * command. The file is the administrator's, so its commands are trusted; a bad file stops the start
 * with a message naming the field.
 *
 *   {"agents": [{"id": "demo", "name": "Demo agent", "role": "worker", "protocol": "stream-json",
 *                "command": "{node}", "args": ["{project}/agents/control/demo-agent.js"]}]}
 *
 * `{node}` is the Node.js running the server and `{project}` this project's folder, so the defaults
 * survive moving the checkout. `protocol: "stream-json"` speaks Claude Code's stream-json (resumable
 * with `--resume <id>`); `"plain"` turns each stdout line into an `output` event and sends input as lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BLOCKED_ENV } from './env';
import { AGENT_ID, ROLES, type AgentRole } from './ids';

export const PROTOCOLS = ['stream-json', 'plain'] as const;
export type AgentProtocol = (typeof PROTOCOLS)[number];

export interface AgentDefinition {
  id: string;
  name: string;
  role: AgentRole;
  description: string;
  protocol: AgentProtocol;
  /** The executable (placeholders resolved); run with `spawn`, never through a shell. */
  command: string;
  args: readonly string[];
  /** Extra environment variables for this agent only. */
  env: Readonly<Record<string, string>>;
  /** Its model calls go through the product's model gateway, with a token of its session's own. */
  modelGateway: boolean;
}

/** The project folder (two levels above this file). */
const PROJECT_DIR = path.resolve(__dirname, '../..');
export const DEMO_AGENT_SCRIPT = path.join(PROJECT_DIR, 'agents/control/demo-agent.js');

/** `--permission-prompt-tool stdio`: Claude Code asks before a tool use it is not allowed, and the user answers on the agent page (permissions.ts). */
const CLAUDE_ARGS = ['-p', '--verbose', '--output-format', 'stream-json', '--input-format', 'stream-json', '--permission-prompt-tool', 'stdio'];

const withoutNul = (schema: z.ZodString, what: string) => schema.refine((s) => !s.includes('\0'), `${what} must not contain NUL`);

const definitionSchema = z
  .object({
    id: z.string().regex(AGENT_ID, 'must be 1-40 characters of a-z 0-9 _ - starting with a letter or digit'),
    name: z.string().min(1).max(80),
    role: z.enum(ROLES),
    description: z.string().max(500).default(''),
    protocol: z.enum(PROTOCOLS),
    command: withoutNul(z.string().min(1).max(4096), 'command'),
    args: z.array(withoutNul(z.string().max(4096), 'arguments')).max(100).default([]),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name'), z.string().max(4096))
      .refine((env) => !Object.keys(env).some((key) => BLOCKED_ENV.has(key)), 'CLAUDECODE cannot be set for an agent')
      .default({}),
    model_gateway: z.boolean().default(false),
  })
  .strict();

const fileSchema = z
  .object({ agents: z.array(definitionSchema).min(1).max(100) })
  .strict()
  .refine((file) => new Set(file.agents.map((a) => a.id)).size === file.agents.length, { message: 'agent ids must be unique', path: ['agents'] });

type DefinitionInput = z.input<typeof definitionSchema>;

/** Finds an executable on PATH without a shell (what `which` would say). */
function onPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The definitions written on first start. */
function defaultDefinitions(envPath = process.env.PATH ?? ''): DefinitionInput[] {
  const defaults: DefinitionInput[] = [
    {
      id: 'demo',
      name: 'Demo agent',
      role: 'worker',
      description: 'A small script shipped with the project that speaks Claude Code stream-json: it answers each prompt in a few chunks with one tool use.',
      protocol: 'stream-json',
      command: '{node}',
      args: ['{project}/agents/control/demo-agent.js'],
    },
    {
      id: 'demo-gateway',
      name: 'Demo agent (model gateway)',
      role: 'worker',
      description: 'The demo agent, answering each prompt with a real model call through the product\'s model gateway (needs a provider: ANTHROPIC_API_KEY, OPENAI_API_KEY or A2UI_GATEWAY_PROVIDERS).',
      protocol: 'stream-json',
      command: '{node}',
      args: ['{project}/agents/control/demo-agent.js', '--gateway'],
      model_gateway: true,
    },
  ];
  if (onPath('claude', envPath)) {
    defaults.push({
      id: 'claude',
      name: 'Claude Code',
      role: 'worker',
      description: 'The Claude Code CLI in headless stream-json mode, working in the chosen worktree.',
      protocol: 'stream-json',
      command: 'claude',
      args: CLAUDE_ARGS,
    });
  }
  defaults.push({
    id: 'git-status',
    name: 'Git status',
    role: 'steward',
    description: 'A plain command: `git status --short --branch` in the chosen worktree; each line of output is an event.',
    protocol: 'plain',
    command: 'git',
    args: ['status', '--short', '--branch'],
  });
  return defaults;
}

function resolvePlaceholders(value: string): string {
  return value.replaceAll('{node}', process.execPath).replaceAll('{project}', PROJECT_DIR);
}

/** Validates a parsed definitions document; throws an Error naming the file and the field. */
export function parseDefinitions(raw: unknown, source: string): AgentDefinition[] {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'the whole file'}: ${i.message}`);
    throw new Error(`${source}: ${issues.join('; ')}`);
  }
  return parsed.data.agents.map(({ model_gateway: modelGateway, ...a }) => ({
    ...a,
    command: resolvePlaceholders(a.command),
    args: a.args.map(resolvePlaceholders),
    modelGateway,
  }));
}

/** Reads the definitions file, creating it with the defaults (mode 0600) when it does not exist. */
export function loadDefinitions(file: string, envPath = process.env.PATH ?? ''): AgentDefinition[] {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${JSON.stringify({ agents: defaultDefinitions(envPath) }, null, 2)}\n`, { mode: 0o600 });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseDefinitions(raw, file);
}
