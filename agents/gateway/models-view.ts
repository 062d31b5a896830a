/**
 * The Models screen (`/models`): the gateway's providers live — state and cooldown countdown, request
 * counts, the last error, usage and cost — the routing (failover across all, or locked to one, with
 * the buttons to lock and unlock), the user's own usage, and the latest routing events.
 *
 * Each provider's card is memoised on the values it shows (a countdown second re-renders one text),
 * and the buttons are enabled by booleans in the data model, so a lock flips data, not components.
 */
import { bind, card, column, event, keyedMemo, labelButton, list, memo, row, text, type UiNode } from '../../renderer';
import { usageText } from '../control/model-access';
import type { PluginView } from '../types';
import type { GatewayStatus } from './gateway';
import type { UsageTotals } from './ledger';
import type { RouterEvent } from './router';

export interface ModelsState {
  status: GatewayStatus;
  /** The clock the countdowns are shown at (ticked every second while a provider cools down). */
  now: number;
}

const EVENTS_SHOWN = 12;
const times = new Map<string, Intl.DateTimeFormat>();

/** `14:03:27` in the user's time zone. */
function timeOfDay(iso: string, timeZone: string): string {
  let format = times.get(timeZone);
  if (!format) times.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' })));
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : format.format(date);
}

function stateText(coolingUntil: string | null, now: number, timeZone: string): string {
  if (!coolingUntil) return 'ok';
  const seconds = Math.max(0, Math.ceil((Date.parse(coolingUntil) - now) / 1000));
  return `cooling down · ${seconds} s left (until ${timeOfDay(coolingUntil, timeZone)})`;
}

function usageLine(usage: UsageTotals): string {
  return usage.requests === 0 ? 'No model calls yet.' : usageText(usage);
}

function eventText(e: RouterEvent, timeZone: string): string {
  const at = timeOfDay(e.at, timeZone);
  switch (e.type) {
    case 'served':
      return `${at} · ${e.provider} answered (${e.model})`;
    case 'failed':
      return `${at} · ${e.provider} failed: ${e.reason}${e.cooling_down_until ? `, cooling down until ${timeOfDay(e.cooling_down_until, timeZone)}` : ''}`;
    case 'failover':
      return `${at} · ${e.provider} → ${e.next} (${e.reason})`;
    case 'lock':
      return `${at} · ${e.provider ? `routing locked to ${e.provider}` : 'routing unlocked: failover across all providers'}`;
  }
}

export function createModelsView(prefix: string): PluginView<ModelsState, undefined> {
  const providerCard = keyedMemo(
    (name: string, kind: string, baseUrl: string, models: string, state: string, counts: string, lastError: string, usage: string) =>
      card(`gateway-provider-${name}`, {
        child: column(`gateway-provider-${name}-body`, {
          children: [
            row(`gateway-provider-${name}-head`, {
              align: 'center',
              justify: 'spaceBetween',
              children: [
                text(`gateway-provider-${name}-name`, { text: `${name} (${kind === 'openai' ? 'OpenAI Responses' : 'Anthropic Messages'})`, variant: 'h4' }),
                text(`gateway-provider-${name}-state`, { text: state, variant: 'caption', accessibility: { label: `${name} state` } }),
              ],
            }),
            text(`gateway-provider-${name}-url`, { text: `${baseUrl} · models: ${models}`, variant: 'caption' }),
            text(`gateway-provider-${name}-counts`, { text: counts }),
            text(`gateway-provider-${name}-error`, { text: lastError, variant: 'caption' }),
            text(`gateway-provider-${name}-usage`, { text: usage }),
            labelButton(`gateway-provider-${name}-lock`, 'Use only this provider', event('lock_provider', { provider: name }), {
              checks: [{ condition: bind(`/gateway/can_lock/${name}`), message: 'Routing is locked to this provider already.' }],
            }),
          ],
        }),
      }),
  );

  const routing = memo((locked: string | null, active: string | null) =>
    row('gateway-routing', {
      align: 'center',
      justify: 'spaceBetween',
      children: [
        text('gateway-routing-text', {
          text: locked ? `Routing is locked to ${locked}: no failover.` : `Routing: failover across all providers, in order; the next request goes to ${active ?? 'no one'}.`,
        }),
        labelButton('gateway-unlock', 'Unlock (fail over across all)', event('unlock_provider', {}), {
          checks: [{ condition: bind('/gateway/can_unlock'), message: 'Routing is not locked.' }],
        }),
      ],
    }),
  );

  const events = memo((lines: string) =>
    column('gateway-events', {
      children: [
        text('gateway-events-title', { text: 'Latest routing events', variant: 'h4' }),
        list('gateway-event-list', {
          children: (lines ? lines.split('\n') : ['Nothing yet.']).map((line, i) => text(`gateway-event-${i}`, { text: line, variant: 'caption' })),
        }),
      ],
    }),
  );

  const page = memo((...children: UiNode[]) =>
    column('gateway', {
      children: [
        text('gateway-title', { text: 'Models', variant: 'h2' }),
        text('gateway-intro', {
          text: `The model gateway at ${prefix}: agents and tools on this machine call their models here with a token (OpenAI Responses at ${prefix}/responses, Anthropic Messages at ${prefix}/messages), and a provider that fails is replaced by the next.`,
        }),
        ...children,
      ],
    }),
  );

  const mine = memo((usage: string) => text('gateway-my-usage', { text: `Your usage: ${usage}` }));
  const empty = text('gateway-empty', { text: 'No provider is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY or A2UI_GATEWAY_PROVIDERS and restart.' });

  const data = memo((names: string, locked: string | null) => ({
    can_unlock: locked !== null,
    can_lock: Object.fromEntries((names ? names.split('\n') : []).map((name) => [name, name !== locked])),
  }));

  return ({ status, now }, _tab, { context }) => {
    const zone = context.timezone;
    const cards = status.providers.map((p) =>
      providerCard(
        p.name,
        p.kind,
        p.base_url,
        p.models.join(', '),
        stateText(p.cooling_down_until, now, zone),
        `Requests: ${p.requests}${p.failed_requests ? ` (${p.failed_requests} failed)` : ''}${p.last_used_at ? ` · last answered at ${timeOfDay(p.last_used_at, zone)}` : ''}`,
        p.last_error ? `Last error at ${timeOfDay(p.last_error.at, zone)}: ${p.last_error.message}` : 'No errors.',
        usageLine(p.usage),
      ),
    );
    providerCard.sweep();
    const eventLines = status.events
      .slice(0, EVENTS_SHOWN)
      .map((e) => eventText(e, zone))
      .join('\n');
    const body = status.providers.length === 0 ? [empty] : [routing(status.locked, status.active), ...cards, mine(usageLine(status.usage.user)), events(eventLines)];
    return { root: page(...body), data: data(status.providers.map((p) => p.name).join('\n'), status.locked) };
  };
}
