/**
 * The basic catalog: component type → the code that renders it. Adding a component type is one entry
 * here and one factory; the surface view knows no component by name.
 */
import type { ComponentType } from '../../../renderer/catalog';
import { buttonView } from './button';
import { choicePickerView } from './choice-picker';
import { audioPlayerView, dividerView, iconView, imageView, textView, videoView } from './content';
import { h, setText } from './dom';
import { checkBoxView, dateTimeInputView, sliderView, textFieldView } from './inputs';
import { cardView, columnView, listView, modalView, rowView, tabsView } from './layout';
import type { ComponentFactory } from './types';

export const CATALOG: Readonly<Record<ComponentType, ComponentFactory>> = {
  Text: textView as ComponentFactory,
  Image: imageView as ComponentFactory,
  Icon: iconView as ComponentFactory,
  Video: videoView as ComponentFactory,
  AudioPlayer: audioPlayerView as ComponentFactory,
  Row: rowView as ComponentFactory,
  Column: columnView as ComponentFactory,
  List: listView as ComponentFactory,
  Card: cardView as ComponentFactory,
  Tabs: tabsView as ComponentFactory,
  Modal: modalView as ComponentFactory,
  Divider: dividerView as ComponentFactory,
  Button: buttonView as ComponentFactory,
  TextField: textFieldView as ComponentFactory,
  CheckBox: checkBoxView as ComponentFactory,
  ChoicePicker: choicePickerView as ComponentFactory,
  Slider: sliderView as ComponentFactory,
  DateTimeInput: dateTimeInputView as ComponentFactory,
};

/** A type this client does not know: a visible placeholder instead of a hole in the layout. */
export const unknownView: ComponentFactory = (component) => {
  const el = h('div', 'a2-unknown');
  return {
    el,
    update() {
      setText(el, `Unsupported component: ${String((component as { component?: unknown }).component)}`);
    },
  };
};

export function factoryFor(type: unknown): ComponentFactory {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(CATALOG, type)
    ? CATALOG[type as ComponentType]
    : unknownView;
}
