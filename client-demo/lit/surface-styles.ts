/**
 * Styles for inside the official renderer's surface. `<a2ui-surface>` renders into a shadow root,
 * which the page's style sheet (lit.css) does not reach: this sheet is adopted there (surface-host.ts),
 * as the renderer adopts its own. It sizes the SVG icons (svg-icon.ts) and places the shell's regions
 * by the component ids that component-ids.ts copies onto the elements, as the thin client does: the
 * panels' bounded width, the toasts' overlay, the transcript's height, cards in a grid.
 */
import rowRoom from '../row-room.css';

const CSS = `
/* Icons: inline SVG (lit/svg-icon.ts), sized and coloured like the text around them. */
.a2ui-svg-icon {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  flex: none;
  width: var(--a2ui-icon-size, 24px);
  height: var(--a2ui-icon-size, 24px);
  color: var(--a2ui-icon-color, currentColor);
  vertical-align: middle;
}
.a2ui-svg-icon svg {
  width: 100%;
  height: 100%;
}

/*
 * Colours that meet WCAG AA (the renderer's defaults do not): white on the primary blue at 6.7:1
 * (its #17e gives 4.3:1), an error text at 6:1 on grey (its pure red gives 3.4:1).
 */
:host {
  --a2ui-color-primary: #1d4ed8;
  --a2ui-textfield-color-error: #b91c1c;
}

/* The shell's regions, by the ids component-ids.ts copies onto the renderer's elements. */

/* Nothing wider than the page: a flex child may shrink below its content's width, long words wrap. */
a2ui-basic-row > *,
a2ui-basic-column > * {
  min-width: 0;
}
.a2ui-text {
  overflow-wrap: break-word;
}
/* The panels beside the content keep a bounded width, however long the conversation in them. */
[data-id='app-panels'] {
  flex: 0 0 clamp(16rem, 28%, 24rem) !important;
  max-width: 24rem;
}
/* Toasts over the page, not in its flow. */
[data-id='app-toasts'] {
  position: fixed;
  top: 4.5rem;
  right: 1rem;
  z-index: 20;
  width: min(400px, calc(100vw - 2rem));
}
[data-id='app-toasts'] a2ui-basic-row {
  border-radius: 0.5rem;
  background: var(--a2ui-color-surface, #fff);
  box-shadow: 0 4px 16px rgb(0 0 0 / 18%);
}
/* An agent's transcript: a fixed height that scrolls, the input under it. */
[data-id='control-output'] {
  display: block;
  max-height: 55vh;
  overflow-y: auto;
}

@media (max-width: 1023px) {
  body {
    padding: 0.25rem 0.5rem 1.5rem;
  }
  [data-id='app-toasts'] {
    top: auto;
    bottom: 0.75rem;
    left: 0.5rem;
    right: 0.5rem;
    width: auto;
  }
}

${rowRoom}

/* Rows wrap on a narrow screen rather than pushing the page wider. */
a2ui-basic-row {
  flex-wrap: wrap;
}
/* An agent's transcript lines and the sections in the header stay on one line each. */
[data-id='control-line'],
[data-id='app-nav'] {
  flex-wrap: nowrap;
}
[data-id='app-nav'] button {
  padding-inline: 0.4rem;
}
[data-id='app-nav'] {
  /* A section's label in its button: the button's own colour (grey on the selected blue is 1.3:1). */
  --a2ui-text-caption-color: currentColor;
}
[data-id='app-nav'] .a2ui-text,
[data-id='app-nav'] em {
  color: inherit;
  font-style: normal;
}
[data-id='dashboard-cards'] {
  display: grid !important;
  grid-template-columns: repeat(auto-fill, minmax(min(300px, 100%), 1fr));
  align-items: start;
}
`;

let sheet: CSSStyleSheet | null = null;

/** The sheet (made once; one sheet may be adopted by many roots). */
export function surfaceStyles(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}
