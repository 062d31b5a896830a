/**
 * Every builder's output against the official v0.9 JSON schema (catalog.json#/$defs/anyComponent),
 * so that what we emit is what any official A2UI renderer accepts.
 */
import {
  audioPlayer,
  bind,
  buildSurface,
  button,
  card,
  checkBox,
  choicePicker,
  column,
  dateTimeInput,
  divider,
  event,
  icon,
  image,
  labelButton,
  list,
  modal,
  row,
  slider,
  tabs,
  text,
  textField,
  video,
  COMPONENT_TYPES,
  type UiNode,
} from '../../renderer';
import { schemaErrors } from './a2uiSchema';

const a11y = { accessibility: { label: 'Label', description: bind('/a11y/description') } };
const formatted = { call: 'formatString', args: { value: 'Hi ${/user/name}' }, returnType: 'string' as const };
const required = { condition: { call: 'required', args: { value: bind('/x') }, returnType: 'boolean' as const }, message: 'Required' };
const child = text('child', { text: 'x' });

/** For each component: only the required props, and every prop set. */
const SAMPLES: Array<[string, UiNode]> = [
  ['Text minimal', text('t', { text: 'Hello' })],
  ['Text full', text('t', { text: formatted, variant: 'caption', weight: 1, ...a11y })],
  ['Image minimal', image('i', { url: 'https://example.com/a.png' })],
  ['Image full', image('i', { url: bind('/img'), description: 'A', fit: 'scaleDown', variant: 'header', ...a11y })],
  ['Icon by name', icon('i', { name: 'moreVert' })],
  ['Icon by svgPath', icon('i', { name: { svgPath: 'M0 0h24v24H0z' }, ...a11y })],
  ['Icon by binding', icon('i', { name: bind('/icon') })],
  ['Video', video('v', { url: 'https://example.com/v.mp4', ...a11y })],
  ['AudioPlayer minimal', audioPlayer('a', { url: bind('/u') })],
  ['AudioPlayer full', audioPlayer('a', { url: 'https://example.com/a.mp3', description: 'Track', ...a11y })],
  ['Row minimal', row('r', { children: [] })],
  ['Row full', row('r', { children: [child, 'other'], justify: 'spaceEvenly', align: 'end', weight: 2, ...a11y })],
  ['Column template', column('c', { children: { template: child, path: '/items' }, justify: 'stretch', align: 'center' })],
  ['List minimal', list('l', { children: [child] })],
  ['List full', list('l', { children: { template: 'row', path: '/rows' }, direction: 'horizontal', align: 'stretch', ...a11y })],
  ['Card', card('k', { child, ...a11y })],
  ['Tabs', tabs('t', { tabs: [{ title: 'A', child }, { title: bind('/title'), child: 'other' }], ...a11y })],
  ['Modal', modal('m', { trigger: 'open', content: child, ...a11y })],
  ['Divider minimal', divider('d')],
  ['Divider full', divider('d', { axis: 'vertical', ...a11y })],
  ['Button event', button('b', { child, action: event('send') })],
  [
    'Button full',
    button('b', {
      child,
      action: event('reply', { email_id: '1', count: 2, urgent: true, ids: ['a'], subject: bind('/s'), when: formatted }),
      variant: 'primary',
      checks: [required],
      ...a11y,
    }),
  ],
  ['Button functionCall', button('b', { child, action: { functionCall: { call: 'openUrl', args: { url: 'https://example.com' }, returnType: 'void' } } })],
  ['labelButton', labelButton('b', 'Go', event('go'), { variant: 'borderless' })],
  ['labelButton label', labelButton('b', 'Go', event('go')).kids[0]!],
  ['CheckBox', checkBox('c', { label: 'Agree', value: bind('/agree') })],
  ['CheckBox full', checkBox('c', { label: formatted, value: false, checks: [required], ...a11y })],
  ['TextField minimal', textField('f', { label: 'Name' })],
  ['TextField full', textField('f', { label: 'Age', value: bind('/age'), variant: 'number', validationRegexp: '^\\d+$', checks: [required], ...a11y })],
  ['DateTimeInput minimal', dateTimeInput('d', { value: '' })],
  [
    'DateTimeInput full',
    dateTimeInput('d', {
      value: bind('/when'),
      enableDate: true,
      enableTime: true,
      min: '2025-01-01',
      max: '2026-12-31T23:59:00Z',
      label: 'When',
      checks: [required],
      ...a11y,
    }),
  ],
  ['DateTimeInput time bounds', dateTimeInput('d', { value: '', enableTime: true, min: '09:00:00', max: bind('/max') })],
  ['ChoicePicker minimal', choicePicker('p', { options: [{ label: 'A', value: 'a' }], value: bind('/picked') })],
  [
    'ChoicePicker full',
    choicePicker('p', {
      label: 'Pick',
      variant: 'multipleSelection',
      options: [{ label: bind('/labels/a'), value: 'a' }, { label: 'B', value: 'b' }],
      value: ['a'],
      displayStyle: 'chips',
      filterable: true,
      checks: [required],
      ...a11y,
    }),
  ],
  ['Slider minimal', slider('s', { max: 10, value: 5 })],
  ['Slider full', slider('s', { label: 'Volume', min: 0, max: 11, value: bind('/volume'), checks: [required], ...a11y })],
];

describe('builder output validates against the v0.9 basic catalog schema', () => {
  it('covers every component type', () => {
    const covered = new Set(SAMPLES.map(([, node]) => node.component.component));
    expect([...covered].sort()).toEqual([...COMPONENT_TYPES].sort());
  });

  it.each(SAMPLES)('%s', (_name, node) => {
    expect(schemaErrors(node.component)).toBeNull();
  });

  it('every component of a built surface validates', () => {
    const root = column('root', {
      children: [
        row('header', { children: [icon('logo', { name: 'mail' }), text('title', { text: 'Inbox', variant: 'h1' })] }),
        list('mails', { children: [card('mail-1', { child: labelButton('open-1', 'Open', event('open_thread', { email_id: '1' })) })] }),
        modal('confirm', { trigger: labelButton('archive', 'Archive', event('archive')), content: text('sure', { text: 'Sure?' }) }),
      ],
    });
    const surface = buildSurface({ surfaceId: 'main', root });
    const components = Object.values(surface.components);
    expect(components).toHaveLength(12);
    for (const component of components) expect(schemaErrors(component)).toBeNull();
  });
});

describe('the schema check is not vacuous: it rejects invalid components, for the right reason', () => {
  it.each<[string, unknown, RegExp]>([
    ['Text without text', { id: 't', component: 'Text' }, /required property 'text'/],
    ['an invented property', { id: 't', component: 'Text', text: 'a', color: 'red' }, /unevaluated properties/],
    ['an enum value the catalog lacks', { id: 't', component: 'Text', text: 'a', variant: 'h6' }, /\/variant must be equal to one of the allowed values/],
    ['an unknown component', { id: 't', component: 'Marquee', text: 'a' }, /\/component must be equal to constant/],
    ['a missing id', { component: 'Divider' }, /required property 'id'/],
    ['Slider without max', { id: 's', component: 'Slider', value: 1 }, /required property 'max'/],
    ['Tabs without tabs', { id: 't', component: 'Tabs', tabs: [] }, /\/tabs must NOT have fewer than 1 items/],
    ['an unknown icon', { id: 'i', component: 'Icon', name: 'rocket' }, /\/name must be equal to one of the allowed values/],
    ['a child node inline', { id: 'c', component: 'Card', child: { id: 'x', component: 'Text', text: 'a' } }, /\/child must be string/],
    ['checks without condition', { id: 'f', component: 'TextField', label: 'L', checks: [{ call: 'required', message: 'M' }] }, /\/checks\/0 must have required property 'condition'/],
    ['checks on a non-checkable component', { id: 't', component: 'Text', text: 'a', checks: [] }, /unevaluated properties/],
    ['a function the catalog does not define', { id: 't', component: 'Text', text: { call: 'shout', returnType: 'string' } }, /\/text\/call must be equal to constant/],
    [
      'an event context holding an object',
      { id: 'b', component: 'Button', child: 'x', action: { event: { name: 'n', context: { o: { a: 1 } } } } },
      /\/action\/event\/context\/o must be (string|array)/,
    ],
    ['a literal DateTimeInput min that is not ISO 8601', { id: 'd', component: 'DateTimeInput', value: '', min: 'tomorrow' }, /\/min must match format "date"/],
  ])('%s', (_name, component, reason) => {
    const errors = schemaErrors(component);
    expect(errors).not.toBeNull();
    expect(errors).toMatch(reason);
  });
});
