/**
 * The "simple Markdown" a Text may carry (catalog: no HTML, images or links), as DOM nodes built one by
 * one: `**bold**`, `*italic*`, `` `code` ``, `~~strike~~`, and a leading `# ` heading marker, which is
 * dropped (the variant already says how big the text is). Anything else, including `<tags>`, stays
 * literal text. Plain text (the common case) is one text node, so a change edits that node only.
 */

const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|~~([^~]+)~~|\*([^*\s][^*]*)\*/g;
const HEADING_MARKER = /^#{1,6}\s+/;

/** True when `text` needs elements: without markers it renders as a single text node. */
export function hasMarkdown(text: string): boolean {
  INLINE.lastIndex = 0;
  return HEADING_MARKER.test(text) || INLINE.test(text);
}

/** The nodes for `text`: text nodes and `strong`/`em`/`code`/`s` elements filled with text nodes. */
export function markdownNodes(text: string): Node[] {
  const source = text.replace(HEADING_MARKER, '');
  const nodes: Node[] = [];
  let last = 0;
  INLINE.lastIndex = 0;
  for (let match = INLINE.exec(source); match; match = INLINE.exec(source)) {
    if (match.index > last) nodes.push(document.createTextNode(source.slice(last, match.index)));
    const [, bold, code, strike, italic] = match;
    const tag = bold !== undefined ? 'strong' : code !== undefined ? 'code' : strike !== undefined ? 's' : 'em';
    const el = document.createElement(tag);
    el.textContent = bold ?? code ?? strike ?? italic ?? '';
    nodes.push(el);
    last = match.index + match[0].length;
  }
  if (last < source.length) nodes.push(document.createTextNode(source.slice(last)));
  return nodes;
}
