import { loadMailConfig } from '../../agents/email/config';

test('defaults: the local mailbox, 20 rows a page, no Google, drafts may stream for a minute', () => {
  expect(loadMailConfig({})).toEqual({
    provider: 'local',
    pageSize: 20,
    google: null,
    publicBaseUrl: null,
    draftTimeoutMs: 60_000,
  });
});

test('Gmail with its OAuth client, scopes split on spaces or commas, endpoint overrides and the draft time limit', () => {
  const config = loadMailConfig({
    MAIL_PROVIDER: 'gmail',
    GOOGLE_OAUTH_CLIENT_ID: 'id',
    GOOGLE_OAUTH_CLIENT_SECRET: 'secret',
    GOOGLE_OAUTH_SCOPES: 'https://www.googleapis.com/auth/gmail.modify, https://www.googleapis.com/auth/gmail.send',
    GMAIL_API_ROOT_URL: 'http://127.0.0.1:9/',
    PUBLIC_BASE_URL: 'https://mail.example.com',
    A2UI_DRAFT_TIMEOUT_MS: '5000',
  });
  expect(config.google).toMatchObject({
    clientId: 'id',
    clientSecret: 'secret',
    scopes: ['https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.send'],
    gmailRootUrl: 'http://127.0.0.1:9/',
  });
  expect(config.google?.scopes).toHaveLength(2);
  expect(config.publicBaseUrl).toBe('https://mail.example.com');
  expect(config.draftTimeoutMs).toBe(5000);
  expect(loadMailConfig({ GOOGLE_OAUTH_CLIENT_ID: 'id', GOOGLE_OAUTH_CLIENT_SECRET: 's' }).google?.scopes).toEqual(['https://mail.google.com/']);
});

test('bad settings stop the start with a message naming the variable', () => {
  expect(() => loadMailConfig({ MAIL_PROVIDER: 'imap' })).toThrow(/MAIL_PROVIDER/);
  expect(() => loadMailConfig({ MAIL_PROVIDER: 'gmail', GOOGLE_OAUTH_CLIENT_ID: 'id' })).toThrow(/GOOGLE_OAUTH_CLIENT_SECRET/);
  expect(() => loadMailConfig({ PUBLIC_BASE_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_BASE_URL must be an http\(s\) URL/);
  expect(() => loadMailConfig({ A2UI_DRAFT_TIMEOUT_MS: '0' })).toThrow(/A2UI_DRAFT_TIMEOUT_MS/);
  expect(() => loadMailConfig({ MAIL_PAGE_SIZE: '0' })).toThrow(/MAIL_PAGE_SIZE/);
});
