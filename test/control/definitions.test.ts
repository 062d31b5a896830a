import fs from 'node:fs';
import path from 'node:path';
import { DEMO_AGENT_SCRIPT, loadDefinitions, parseDefinitions } from '../../agents/control/definitions';
import { agentEnv } from '../../agents/control/env';
import { tempDir } from '../helpers/server';

describe('agent definitions', () => {
  test('a missing file is created (mode 0600) with the demo agent (scripted, and through the model gateway) and a plain steward; placeholders resolve', () => {
    const file = path.join(tempDir(), 'sub', 'agents.json');
    const definitions = loadDefinitions(file, '/nonexistent-bin');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(definitions.map((d) => [d.id, d.role, d.protocol])).toEqual([
      ['demo', 'worker', 'stream-json'],
      ['demo-gateway', 'worker', 'stream-json'],
      ['git-status', 'steward', 'plain'],
    ]);
    expect(definitions.map((d) => d.modelGateway)).toEqual([false, true, false]);
    expect(definitions[1]!.args).toEqual([DEMO_AGENT_SCRIPT, '--gateway']);
    const demo = definitions[0]!;
    expect(demo.command).toBe(process.execPath);
    expect(demo.args).toEqual([DEMO_AGENT_SCRIPT]);
    // The file keeps the placeholders, so a moved checkout still works.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).agents[0]).toMatchObject({ command: '{node}', args: ['{project}/agents/control/demo-agent.js'] });
  });

  test('claude is added when the Claude Code CLI is on PATH, with the stream-json flags', () => {
    const bin = tempDir();
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\n', { mode: 0o755 });
    const definitions = loadDefinitions(path.join(tempDir(), 'agents.json'), bin);
    const claude = definitions.find((d) => d.id === 'claude');
    expect(claude).toMatchObject({ command: 'claude', protocol: 'stream-json', role: 'worker', args: ['-p', '--verbose', '--output-format', 'stream-json', '--input-format', 'stream-json', '--permission-prompt-tool', 'stdio'] });
  });

  test('an existing file is used as it is (no defaults added)', () => {
    const file = path.join(tempDir(), 'agents.json');
    fs.writeFileSync(file, JSON.stringify({ agents: [{ id: 'lead', name: 'Lead', role: 'director', protocol: 'plain', command: 'true' }] }));
    expect(loadDefinitions(file).map((d) => d.id)).toEqual(['lead']);
  });

  test('a bad file stops the start with a message naming the file and the field', () => {
    const bad = (agents: unknown) => () => parseDefinitions({ agents }, 'agents.json');
    const base = { id: 'a', name: 'A', role: 'worker', protocol: 'plain', command: 'true' };
    expect(bad([{ ...base, role: 'boss' }])).toThrow(/^agents\.json: agents\.0\.role: /);
    expect(bad([{ ...base, id: '../x' }])).toThrow(/agents\.0\.id: must be 1-40 characters/);
    expect(bad([{ ...base, id: '__proto__' }])).toThrow(/agents\.0\.id/);
    expect(bad([base, base])).toThrow(/agents: agent ids must be unique/);
    expect(bad([{ ...base, env: { CLAUDECODE: '1' } }])).toThrow(/CLAUDECODE/);
    expect(bad([{ ...base, shell: true }])).toThrow(/Unrecognized key/);
    expect(bad([{ ...base, args: ['a\0b'] }])).toThrow(/NUL/);
    const file = path.join(tempDir(), 'agents.json');
    fs.writeFileSync(file, '{"agents": [');
    expect(() => loadDefinitions(file)).toThrow(/not valid JSON/);
  });
});

describe('the agent environment', () => {
  test('keeps the basics, drops the server\'s secrets and CLAUDECODE, adds the definition\'s own', () => {
    const env = agentEnv(
      { PATH: '/bin', HOME: '/h', LC_ALL: 'C', CLAUDECODE: '1', A2UI_TOKEN: 'secret', GOOGLE_OAUTH_CLIENT_SECRET: 's', ANTHROPIC_API_KEY: 'k' },
      { DEMO: 'yes', CLAUDECODE: '1' },
    );
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', LC_ALL: 'C', ANTHROPIC_API_KEY: 'k', DEMO: 'yes' });
  });
});
