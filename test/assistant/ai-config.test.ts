import { loadAiConfig } from '../../agents/ai/config';

test('defaults: no provider without a key; limits', () => {
  expect(loadAiConfig({})).toEqual({ providers: [], cooldownMs: 60_000, timeoutMs: 60_000, approvalTimeoutMs: 120_000, historyLimit: 40 });
});

test('ANTHROPIC_* make one provider; A2UI_AI_PROVIDERS an ordered list that replaces it', () => {
  expect(loadAiConfig({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:8/', ANTHROPIC_MODEL: 'm' }).providers).toEqual([
    { name: 'anthropic', apiKey: 'k', baseURL: 'http://127.0.0.1:8/', model: 'm' },
  ]);
  expect(loadAiConfig({ ANTHROPIC_API_KEY: 'k' }).providers).toEqual([{ name: 'anthropic', apiKey: 'k', model: 'claude-haiku-4-5-20251001' }]);
  const list = JSON.stringify([{ name: 'primary', api_key: 'a', model: 'x' }, { api_key: 'b', base_url: 'https://gw.example.com' }]);
  expect(loadAiConfig({ ANTHROPIC_API_KEY: 'ignored', ANTHROPIC_MODEL: 'dflt', A2UI_AI_PROVIDERS: list }).providers).toEqual([
    { name: 'primary', apiKey: 'a', model: 'x' },
    { name: 'provider-2', apiKey: 'b', baseURL: 'https://gw.example.com', model: 'dflt' },
  ]);
});

test('bad settings stop the start with a message naming the variable', () => {
  expect(() => loadAiConfig({ A2UI_AI_PROVIDERS: '{nope' })).toThrow(/A2UI_AI_PROVIDERS must be a JSON array/);
  expect(() => loadAiConfig({ A2UI_AI_PROVIDERS: '[]' })).toThrow(/A2UI_AI_PROVIDERS/);
  expect(() => loadAiConfig({ A2UI_AI_PROVIDERS: '[{"api_key":"a","base_url":"file:///etc"}]' })).toThrow(/A2UI_AI_PROVIDERS: 0.base_url: must be an http\(s\) URL/);
  expect(() => loadAiConfig({ A2UI_AI_PROVIDERS: '[{"name":"a","api_key":"1"},{"name":"a","api_key":"2"}]' })).toThrow(/unique/);
  expect(() => loadAiConfig({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'not a url' })).toThrow(/ANTHROPIC_BASE_URL/);
  expect(() => loadAiConfig({ A2UI_APPROVAL_TIMEOUT_MS: '5' })).toThrow(/A2UI_APPROVAL_TIMEOUT_MS/);
});
