/**
 * The basic catalog's Icon for the official renderer, drawn as inline SVG. The stock element writes
 * the icon's name into an `<i class="material-icons">` and counts on the Material Icons web font to
 * turn it into a glyph; without that font (this page downloads none) the raw name ("info",
 * "arrow_forward") shows as text. This element has the same API (IconApi: a catalog name, or
 * `{svgPath}`) and draws the same paths as the thin client (src/icon-paths.ts).
 */
import { html, nothing, svg } from 'lit';
import { BasicCatalogA2uiLitElement, IconApi } from '@a2ui/web_core/v0_9/basic_catalog';
import { iconPath } from '../src/icon-paths';

export class A2uiSvgIconElement extends BasicCatalogA2uiLitElement<typeof IconApi> {
  override api = IconApi;

  override render() {
    const props = this.controller.props;
    if (!props) return nothing;
    const name: unknown = props.name;
    const custom = typeof name === 'object' && name !== null && 'svgPath' in name ? String((name as { svgPath: unknown }).svgPath) : null;
    const d = custom ?? iconPath(typeof name === 'string' ? name : '');
    // Decoration beside the words that say the same (a button's label, a toast's message), as in the thin client.
    return html`<span class="a2ui-svg-icon" aria-hidden="true" data-icon=${typeof name === 'string' ? name : nothing}
      ><svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path d=${d} fill="currentColor"></path>`}</svg></span
    >`;
  }
}

const TAG = 'a2ui-svg-icon';
if (!customElements.get(TAG)) customElements.define(TAG, A2uiSvgIconElement);

/** The catalog entry: IconApi's name and schema, this element's tag. */
export const SvgIcon = { ...IconApi, tagName: TAG };
