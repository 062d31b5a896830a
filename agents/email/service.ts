/**
 * The mail service the Email module opens once and every user's session shares: which provider is in
 * use, each user's mailbox (the local file or their Gmail), Google sign-in, and Claude drafts.
 * Everything is keyed by the authenticated user id: one user never reaches another's tokens or mail.
 */
import { PluginError } from '../errors';
import type { ProviderPool } from '../ai/providers';
import { DraftWriter } from './drafts';
import { isRevokedGrant } from './gmail-errors';
import { gmailApi, GmailMailProvider } from './gmail-provider';
import { LocalMailProvider, localMailboxFileSchema, type LocalMailboxFile } from './local-provider';
import { GoogleOAuth, googleTokensFileSchema, type GoogleOAuthConfig, type GoogleTokensFile, type OAuth2Client } from './oauth';
import type { MailProvider } from './provider';
import type { MailPage } from './types';
import { LOCAL_ADDRESS, sampleMailbox } from './sample-mail';
import type { StoreOpener } from './store';
import type { PersistentStore } from '../types';

export type MailProviderKind = 'local' | 'gmail';

export interface MailServiceOptions {
  openStore: StoreOpener;
  /** The server's own base URL (known once it listens): the default public base URL. */
  serverUrl: () => string;
  provider: MailProviderKind;
  /** Inbox rows per page. */
  pageSize: number;
  /** Google sign-in; required for Gmail. */
  google: (GoogleOAuthConfig & { gmailRootUrl?: string }) | null;
  /** The URL users reach the server at (for Google's redirect); the server's own URL when null. */
  publicBaseUrl: string | null;
  /** Claude drafts, through the product's AI providers; off when none is configured. */
  drafts: { pool: ProviderPool; timeoutMs: number };
  /** Per Gmail request. */
  gmailTimeoutMs?: number;
}

export interface MailAccount {
  provider: MailProviderKind;
  /** Always true for the local mailbox; for Gmail, whether the user has signed in with Google. */
  signedIn: boolean;
  email: string | null;
}

const TOKENS_STORE = 'google-tokens';
const DEFAULT_GMAIL_TIMEOUT_MS = 8000;

export class MailService {
  readonly kind: MailProviderKind;
  readonly pageSize: number;
  readonly oauth: GoogleOAuth | null;
  readonly drafts: DraftWriter | null;
  private readonly closers: Array<() => void> = [];
  private readonly mailboxes = new Map<string, Promise<LocalMailProvider>>();
  private readonly mailboxStores: PersistentStore<LocalMailboxFile>[] = [];
  private readonly gmailProviders = new Map<string, GmailMailProvider>();

  private constructor(
    private readonly options: MailServiceOptions,
    private readonly tokens: PersistentStore<GoogleTokensFile> | null,
  ) {
    this.kind = options.provider;
    this.pageSize = options.pageSize;
    this.oauth =
      options.google && tokens
        ? new GoogleOAuth({ config: options.google, store: tokens, redirectUri: () => `${this.baseUrl}/auth/google/callback` })
        : null;
    // A new grant (or none) makes the cached Gmail client stale.
    this.oauth?.onChange((userId) => this.gmailProviders.delete(userId));
    this.drafts = options.drafts.pool.configured ? new DraftWriter(options.drafts) : null;
  }

  static async open(options: MailServiceOptions): Promise<MailService> {
    if (options.provider === 'gmail' && !options.google) {
      throw new Error('MAIL_PROVIDER=gmail needs GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET');
    }
    const tokens = options.google ? await options.openStore<GoogleTokensFile>(TOKENS_STORE, { users: {} }, googleTokensFileSchema) : null;
    return new MailService(options, tokens);
  }

  get baseUrl(): string {
    const base = this.options.publicBaseUrl ?? this.options.serverUrl();
    return base.replace(/\/+$/, '');
  }

  /** Our own sign-in page for the user; it redirects to Google. */
  loginUrl(userId: string): string {
    return `${this.baseUrl}/auth/google/login?user_id=${encodeURIComponent(userId)}`;
  }

  /** Our sign-out page (the user's own request, with their token, ends their Google sign-in). */
  logoutUrl(): string {
    return `${this.baseUrl}/auth/google/logout`;
  }

  account(userId: string): MailAccount {
    if (this.kind === 'local') return { provider: 'local', signedIn: true, email: LOCAL_ADDRESS };
    const status = this.oauth!.status(userId);
    return { provider: 'gmail', signedIn: status.signed_in, email: status.email ?? null };
  }

  /** Called with the user id when a user signs in to or out of Google. */
  onAccountChange(listener: (userId: string) => void): () => void {
    return this.oauth?.onChange(listener) ?? (() => undefined);
  }

  /** The user's mailbox. With Gmail and no sign-in: UNAUTHORIZED, saying to sign in. */
  async providerFor(userId: string): Promise<MailProvider> {
    if (this.kind === 'local') return this.localMailbox(userId);
    return this.gmailFor(userId);
  }

  /** One page of the user's inbox (the page at `pageToken`, null for the first), `pageSize` rows. */
  async inboxPage(userId: string, query: string, pageToken: string | null): Promise<MailPage> {
    return (await this.providerFor(userId)).list({ query, pageToken, pageSize: this.pageSize });
  }

  private localMailbox(userId: string): Promise<LocalMailProvider> {
    let mailbox = this.mailboxes.get(userId);
    if (!mailbox) {
      // User ids are [A-Za-z0-9_.-]{1,64} (server/transport/auth.ts): a file name, never a path. Created on first
      // use with the sample threads.
      mailbox = this.options.openStore<LocalMailboxFile>(`mail/mailbox-${userId}`, sampleMailbox(), localMailboxFileSchema).then((store) => {
        this.mailboxStores.push(store);
        return new LocalMailProvider(store);
      });
      this.mailboxes.set(userId, mailbox);
      mailbox.catch(() => this.mailboxes.delete(userId));
    }
    return mailbox;
  }

  private gmailFor(userId: string): GmailMailProvider {
    const cached = this.gmailProviders.get(userId);
    if (cached) return cached;
    const client = this.oauth!.clientFor(userId);
    if (!client) throw new PluginError('UNAUTHORIZED', 'Sign in with Google to read your Gmail.');
    const provider = new GmailMailProvider({
      auth: client,
      rootUrl: this.options.google?.gmailRootUrl,
      address: this.oauth!.status(userId).email ?? null,
      timeoutMs: this.gmailTimeoutMs,
      onError: (error) => {
        // A refresh that Google refused means the grant is gone: forget it so the UI asks to sign in.
        if (!isRevokedGrant(error)) return;
        this.oauth!.forget(userId).catch((failure: unknown) => console.error('[email] could not delete a revoked Google grant:', (failure as Error).message));
      },
    });
    this.gmailProviders.set(userId, provider);
    return provider;
  }

  private get gmailTimeoutMs(): number {
    return this.options.gmailTimeoutMs ?? DEFAULT_GMAIL_TIMEOUT_MS;
  }

  private requireOAuth(): GoogleOAuth {
    if (!this.oauth) throw new PluginError('NOT_FOUND', 'Google sign-in is off: set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (and MAIL_PROVIDER=gmail).');
    return this.oauth;
  }

  /** Google's consent URL for the user (a fresh single-use state). */
  beginSignIn(userId: string): Promise<string> {
    return this.requireOAuth().beginSignIn(userId);
  }

  /** Completes a sign-in from Google's callback: tokens stored for the user the state names. */
  completeSignIn(state: string, code: string): Promise<{ userId: string; email: string | null }> {
    return this.requireOAuth().completeSignIn(state, code, (client) => this.gmailAddress(client));
  }

  /** Refuses the state of a sign-in Google reports as failed; it cannot be used again. */
  abandonSignIn(state: string): void {
    this.requireOAuth().abandonSignIn(state);
  }

  /** Revokes the user's grant at Google and deletes their tokens. */
  async signOut(userId: string): Promise<void> {
    await this.requireOAuth().signOut(userId);
  }

  /** `GET /auth/google/status`: whether the user has signed in with Google, and as whom. */
  googleStatus(userId: string): { signed_in: boolean; email?: string } {
    return this.oauth?.status(userId) ?? { signed_in: false };
  }

  private async gmailAddress(client: OAuth2Client): Promise<string | null> {
    const profile = await gmailApi(client, this.options.google?.gmailRootUrl, this.gmailTimeoutMs).users.getProfile({ userId: 'me' });
    return profile.data.emailAddress ?? null;
  }

  status(): { status: 'ok'; detail: string } {
    const drafts = this.drafts ? `Claude drafts with ${this.options.drafts.pool.status().providers[0]?.model ?? '?'}` : 'Claude drafts off (no ANTHROPIC_API_KEY)';
    return { status: 'ok', detail: `${this.kind === 'local' ? 'local mailbox' : 'Gmail'}; ${drafts}` };
  }

  /** Runs `fn` when the service closes (the plugin's background work stops with it). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.closers.splice(0)) fn();
    this.oauth?.close();
    this.gmailProviders.clear();
    // The last write of every file lands before the server says it has stopped.
    await Promise.allSettled([...this.mailboxes.values()]);
    await Promise.allSettled([...this.mailboxStores, ...(this.tokens ? [this.tokens] : [])].map((store) => store.write()));
    this.mailboxes.clear();
  }
}
