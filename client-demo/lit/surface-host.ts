/**
 * The official renderer on this page: `MessageProcessor` from `@a2ui/web_core/v0_9` with the basic
 * catalog of `@a2ui/lit/v0_9`, and one `<a2ui-surface>` per surface it creates. Only the v0_9 entry
 * points are loaded: `@a2ui/lit` (root) defines `a2ui-surface` too, and both cannot share a page.
 */
import { A2uiSurface, basicCatalog, type LitComponentApi } from '@a2ui/lit/v0_9';
import { Catalog, MessageProcessor, type A2uiClientAction, type A2uiMessage, type SurfaceModel } from '@a2ui/web_core/v0_9';
import { ROUTE_POINTER } from '../src/page';
import { nameControls } from './accessible-names';
import { tagComponentIds } from './component-ids';
import { surfaceStyles } from './surface-styles';
import { SvgIcon } from './svg-icon';

/**
 * The basic catalog with its Icon drawn as inline SVG (svg-icon.ts says why); every other component
 * is the official renderer's own.
 */
const catalog = new Catalog<LitComponentApi>(
  basicCatalog.id,
  [...basicCatalog.components.values()].map((component) => (component.name === 'Icon' ? (SvgIcon as unknown as LitComponentApi) : component)),
  [...basicCatalog.functions.values()],
);

export interface SurfaceHostOptions {
  container: HTMLElement;
  /** A user action dispatched by a component (already validated by the renderer). */
  onAction(action: A2uiClientAction): void;
  /** The value at `/app/route` changed. */
  onRoute(route: unknown): void;
  /** The processor refused a message (it throws on invalid input); the surface is as before it. */
  onRefused(message: unknown, error: Error): void;
}

export class SurfaceHost {
  private readonly processor: MessageProcessor<LitComponentApi>;
  private readonly routeSubscriptions = new Map<string, { unsubscribe(): void }>();

  constructor(private readonly options: SurfaceHostOptions) {
    this.processor = new MessageProcessor([catalog], (action: A2uiClientAction) => options.onAction(action));
    this.processor.onSurfaceCreated((surface) => this.mount(surface));
    this.processor.onSurfaceDeleted((id) => this.unmount(id));
  }

  process(message: unknown): void {
    try {
      // A createSurface for a surface this page holds means the server started over (a reconnect
      // before any event id was seen): drop ours first, as its deleteSurface would have.
      const created = (message as { createSurface?: { surfaceId?: unknown } } | null)?.createSurface;
      if (typeof created?.surfaceId === 'string' && this.processor.model.getSurface(created.surfaceId)) {
        this.processor.processMessages([{ version: 'v0.9', deleteSurface: { surfaceId: created.surfaceId } } as A2uiMessage]);
      }
      this.processor.processMessages([message as A2uiMessage]);
    } catch (error) {
      this.options.onRefused(message, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private mount(surface: SurfaceModel<LitComponentApi>): void {
    const element = new A2uiSurface();
    element.surface = surface;
    element.dataset.surfaceId = surface.id;
    this.options.container.append(element);
    // The surface renders into its shadow root: our sheet and the id tags go there.
    void element.updateComplete.then(() => {
      const root = element.shadowRoot;
      if (!root) return;
      if (!root.adoptedStyleSheets.includes(surfaceStyles())) root.adoptedStyleSheets = [...root.adoptedStyleSheets, surfaceStyles()];
      tagComponentIds(root, nameControls);
    });
    const subscription = surface.dataModel.subscribe(ROUTE_POINTER, (route) => this.options.onRoute(route));
    this.routeSubscriptions.set(surface.id, subscription);
  }

  private unmount(id: string): void {
    this.routeSubscriptions.get(id)?.unsubscribe();
    this.routeSubscriptions.delete(id);
    for (const element of this.options.container.querySelectorAll('a2ui-surface')) {
      if ((element as HTMLElement).dataset.surfaceId === id) element.remove();
    }
  }
}
