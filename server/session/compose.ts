/**
 * One view's render: the app shell around the content of the route in force and the panels beside
 * it, and the data model (the app's slice, the content plugin's and the panels'). Made once per view:
 * every memo here (and in the plugins' view functions) belongs to that view, so a view whose inputs
 * did not change renders the identical tree and its diff costs nothing.
 *
 * A plugin whose `init` failed for this user renders, on its routes and panels, an error card with the
 * cause and a Retry button (the global `retry_plugin` action) instead of its view.
 */
import { createShellView, type Toast } from '../../agents/shell/view';
import type { ActivityEntry, CardInput, Context, DashboardCard, FieldErrors, NavEntry, Plugin, PluginRender, PluginView, RouteMatch } from '../../agents/types';
import { buildSurface, card, column, event, labelButton, memo, text, type Surface, type UiNode } from '../../renderer';

/** The user state of a plugin whose `init` failed: the cause, shown with a Retry button. */
export class FailedInit {
  constructor(readonly cause: string) {}
}

export interface ComposeInput {
  route: RouteMatch;
  /** The plugin that owns the route. */
  plugin: Plugin<any, any>;
  context: Readonly<Context>;
  toasts: readonly Toast[];
  /** The view's refused fields (the plugin views show them at their fields). */
  fieldErrors: FieldErrors | null;
  /** The user's recent activity (for a route that shows the cards). */
  activity: readonly ActivityEntry[];
  stateOf(pluginId: string): unknown;
  viewStateOf(pluginId: string): unknown;
}

/**
 * The data model's `/app` slice: what the shell and the clients read. `theme` is the user's choice
 * (`light`, `dark`) or `auto` (follow the device); `density` is the user's, else compact on a phone.
 */
function appSlice(route: string, userId: string, prefs: Record<string, unknown>, screen: Context['screen_size']) {
  const theme = prefs.theme === 'dark' || prefs.theme === 'light' ? prefs.theme : 'auto';
  // A phone gets the compact layout unless the user chose otherwise.
  const density = prefs.density === 'compact' || prefs.density === 'comfortable' ? prefs.density : screen === 'mobile' ? 'compact' : 'comfortable';
  return { route, user_id: userId, theme, density };
}

const failedCard = (plugin: Plugin<any, any>, cause: string): PluginRender => ({
  root: card(`${plugin.id}-failed`, {
    child: column(`${plugin.id}-failed-body`, {
      children: [
        text(`${plugin.id}-failed-title`, { text: `${plugin.title} could not start`, variant: 'h3' }),
        text(`${plugin.id}-failed-cause`, { text: cause }),
        labelButton(`${plugin.id}-failed-retry`, 'Retry', event('retry_plugin', { plugin: plugin.id }), { variant: 'primary' }),
      ],
    }),
  }),
});

export type ViewComposer = (input: ComposeInput, last: Surface | undefined) => Surface;

export function createComposer(surfaceId: string, plugins: readonly Plugin<any, any>[], nav: readonly NavEntry[]): ViewComposer {
  const shell = createShellView();
  const panels = plugins.filter((plugin) => plugin.panel);
  const views = new Map<string, PluginView<unknown, unknown>>();
  const failed = new Map<string, (plugin: Plugin<any, any>, cause: string) => PluginRender>();
  const viewOf = (plugin: Plugin<any, any>): PluginView<unknown, unknown> => {
    let view = views.get(plugin.id);
    if (!view) views.set(plugin.id, (view = plugin.createView()));
    return view;
  };
  // The dashboard's cards: each plugin's card view (made once per view), the entry object kept while
  // its body is, and the list kept while its entries are, so an unchanged dashboard is a memo hit.
  const carded = plugins.filter((plugin) => plugin.card && plugin.nav);
  const cardViews = new Map<string, (state: unknown, input: CardInput) => UiNode>();
  const cardEntries = new Map(carded.map((plugin) => [plugin.id, memo((entry: NavEntry, body: UiNode): DashboardCard => ({ nav: entry, body }))]));
  const cardList = memo((...cards: DashboardCard[]) => cards);
  const cardsFor = (input: ComposeInput): readonly DashboardCard[] => {
    const cards: DashboardCard[] = [];
    for (const plugin of carded) {
      const state = input.stateOf(plugin.id);
      if (state instanceof FailedInit) continue;
      let render = cardViews.get(plugin.id);
      if (!render) cardViews.set(plugin.id, (render = plugin.card!.createView()));
      cards.push(cardEntries.get(plugin.id)!(plugin.nav!, render(state, { context: input.context })));
    }
    return cardList(...cards);
  };
  const draw = (plugin: Plugin<any, any>, input: ComposeInput): PluginRender => {
    const state = input.stateOf(plugin.id);
    if (state instanceof FailedInit) {
      let card_ = failed.get(plugin.id);
      if (!card_) failed.set(plugin.id, (card_ = memo(failedCard)));
      return card_(plugin, state.cause);
    }
    const shows = plugin.showsCards ? { cards: cardsFor(input), activity: input.activity } : {};
    return viewOf(plugin)(state, input.viewStateOf(plugin.id), { context: input.context, route: input.route, nav, fieldErrors: input.fieldErrors, ...shows });
  };
  const app = memo(appSlice);
  // The data model: the app's slice, the content plugin's, the panels' (`panelData[i]` of `panels[i]`).
  const dataModel = memo((appData: object, pluginId: string, data: Record<string, unknown> | undefined, ...panelData: Array<Record<string, unknown> | undefined>) => {
    const model: Record<string, unknown> = { app: appData, ...(data ? { [pluginId]: data } : {}) };
    panelData.forEach((slice, i) => {
      if (slice) model[panels[i]!.id] = slice;
    });
    return model;
  });

  return (input, last) => {
    const content = draw(input.plugin, input);
    const panelRoots: UiNode[] = [];
    const panelData: Array<Record<string, unknown> | undefined> = [];
    for (const panel of panels) {
      const drawn = draw(panel, input);
      panelRoots.push(drawn.root);
      panelData.push(drawn.data);
    }
    const root = shell({ route: input.route, nav, toasts: input.toasts, content: content.root, panels: panelRoots, screen: input.context.screen_size });
    const { context } = input;
    const model = dataModel(app(input.route.path, context.user_id, context.user_prefs, context.screen_size), input.plugin.id, content.data, ...panelData);
    // Memoised views return the identical root when nothing they show changed: the last surface stands.
    if (last && last.tree === root && last.dataModel === model) return last;
    return buildSurface({ surfaceId, root, dataModel: model });
  };
}
