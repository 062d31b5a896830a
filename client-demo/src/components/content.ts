/**
 * Display leaves: Text, Image, Icon, Video, AudioPlayer, Divider. No children, no input; each update
 * rewrites only its own element's attributes and text.
 */
import type {
  AudioPlayerComponent,
  DividerComponent,
  IconComponent,
  ImageComponent,
  TextComponent,
  VideoComponent,
} from '../../../renderer/catalog';
import { hasMarkdown, markdownNodes } from '../markdown';
import { safeUrl } from '../safe-url';
import { isObject } from '../values';
import { h, pick, setAttr, setHidden, setModifier, setStyle, setText } from './dom';
import { iconPath } from '../icon-paths';
import type { ComponentFactory } from './types';

const SVG_NS = 'http://www.w3.org/2000/svg';

// Headings for h1..h5 (document structure for screen readers); caption and body are spans styled as blocks.
const TEXT_TAGS = { h1: 'H1', h2: 'H2', h3: 'H3', h4: 'H4', h5: 'H5', caption: 'SMALL', body: 'SPAN' } as const;
type TextVariant = keyof typeof TEXT_TAGS;
const TEXT_VARIANTS = Object.keys(TEXT_TAGS) as TextVariant[];

function textTag(component: TextComponent): string {
  return TEXT_TAGS[pick(component.variant, TEXT_VARIANTS, 'body')];
}

export const textView: ComponentFactory<TextComponent> = (component) => {
  const el = document.createElement(textTag(component).toLowerCase());
  el.className = 'a2-text';
  let shown: string | null = null;
  return {
    el,
    needsNewElement: (c) => textTag(c) !== el.tagName,
    update(c, ctx) {
      setModifier(el, 'a2-text', pick(c.variant, TEXT_VARIANTS, 'body'));
      const text = ctx.text(c.text);
      if (text === shown) return;
      shown = text;
      if (hasMarkdown(text)) el.replaceChildren(...markdownNodes(text));
      else setText(el, text);
    },
  };
};

const IMAGE_FITS = ['contain', 'cover', 'fill', 'none', 'scaleDown'] as const;
const IMAGE_VARIANTS = ['icon', 'avatar', 'smallFeature', 'mediumFeature', 'largeFeature', 'header'] as const;

/** Sets `src` only for http(s) URLs; anything else leaves no source and says so in `data-blocked-url`. */
export function setMediaSource(el: HTMLImageElement | HTMLMediaElement, raw: unknown): void {
  const url = raw === '' || raw === undefined || raw === null ? null : safeUrl(raw);
  setAttr(el, 'src', url);
  setAttr(el, 'data-blocked-url', url === null && typeof raw === 'string' && raw !== '' ? raw.slice(0, 512) : null);
}

export const imageView: ComponentFactory<ImageComponent> = () => {
  const el = h('img', 'a2-image');
  el.loading = 'lazy';
  el.decoding = 'async';
  return {
    el,
    update(c, ctx) {
      setMediaSource(el, ctx.value(c.url));
      setAttr(el, 'alt', ctx.text(c.description));
      const fit = pick(c.fit, IMAGE_FITS, 'fill');
      setStyle(el, 'object-fit', fit === 'scaleDown' ? 'scale-down' : fit);
      setModifier(el, 'a2-image', pick(c.variant, IMAGE_VARIANTS, 'mediumFeature'));
    },
  };
};

/**
 * An icon with an accessibility label is an image with that name; without one it is decoration
 * beside text that says the same (a button's label, a toast's message), hidden from screen readers.
 */
export const iconView: ComponentFactory<IconComponent> = () => {
  const el = h('span', 'a2-icon');
  let shown: string | null = null;
  return {
    el,
    update(c, ctx) {
      const name = ctx.value(c.name);
      const labelled = isObject(c.accessibility) && c.accessibility.label !== undefined;
      setAttr(el, 'role', labelled ? 'img' : null);
      setAttr(el, 'aria-hidden', labelled ? null : 'true');
      const custom = isObject(name) && typeof name.svgPath === 'string' ? name.svgPath : null;
      const text = typeof name === 'string' ? name : '';
      const key = custom !== null ? `svg:${custom}` : `name:${text}`;
      if (shown !== key) {
        shown = key;
        el.replaceChildren(svgIcon(custom ?? iconPath(text)));
      }
      setAttr(el, 'data-icon', custom === null && text ? text : null);
      if (!labelled) setAttr(el, 'aria-label', null);
    },
  };
};

/** A 24×24 SVG holding one path; `d` is geometry, never markup, so it is set as an attribute. */
export function svgIcon(d: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', 'currentColor');
  svg.appendChild(path);
  return svg;
}

export const videoView: ComponentFactory<VideoComponent> = () => {
  const el = h('video', 'a2-video');
  el.controls = true;
  el.preload = 'metadata';
  el.playsInline = true;
  return {
    el,
    update(c, ctx) {
      setMediaSource(el, ctx.value(c.url));
    },
  };
};

export const audioPlayerView: ComponentFactory<AudioPlayerComponent> = () => {
  const el = h('figure', 'a2-audio');
  const audio = h('audio');
  audio.controls = true;
  audio.preload = 'metadata';
  const caption = h('figcaption', 'a2-audio-description');
  el.append(audio, caption);
  return {
    el,
    a11yTarget: audio,
    update(c, ctx) {
      setMediaSource(audio, ctx.value(c.url));
      const description = ctx.text(c.description);
      setText(caption, description);
      setHidden(caption, description === '');
    },
  };
};

export const dividerView: ComponentFactory<DividerComponent> = () => {
  const el = h('hr', 'a2-divider');
  return {
    el,
    update(c) {
      const axis = pick(c.axis, ['horizontal', 'vertical'] as const, 'horizontal');
      setModifier(el, 'a2-divider', axis);
      setAttr(el, 'aria-orientation', axis);
    },
  };
};

