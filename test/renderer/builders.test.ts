import {
  audioPlayer,
  bind,
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
  type UiNode,
} from '../../renderer';

/** The component must be plain JSON: no undefined values anywhere, survives a JSON round trip. */
function expectPlainJson(node: UiNode): void {
  expect(Object.values(node.component)).not.toContain(undefined);
  expect(JSON.parse(JSON.stringify(node.component))).toStrictEqual(node.component);
}

describe('leaf builders', () => {
  it('text: required text, optional variant and common props', () => {
    const node = text('title', { text: 'Inbox', variant: 'h1', weight: 1, accessibility: { label: 'Title' } });
    expect(node.component).toStrictEqual({
      id: 'title',
      component: 'Text',
      text: 'Inbox',
      variant: 'h1',
      weight: 1,
      accessibility: { label: 'Title' },
    });
    expect(node.id).toBe('title');
    expect(node.kids).toHaveLength(0);
  });

  it('omits props whose value is undefined', () => {
    const node = text('t', { text: bind('/subject'), variant: undefined, weight: undefined });
    expect(node.component).toStrictEqual({ id: 't', component: 'Text', text: { path: '/subject' } });
    expect(Object.keys(node.component)).toEqual(['id', 'component', 'text']);
    expectPlainJson(node);
  });

  it('image', () => {
    const node = image('avatar', { url: 'https://example.com/a.png', description: 'Ada', fit: 'cover', variant: 'avatar' });
    expect(node.component).toStrictEqual({
      id: 'avatar',
      component: 'Image',
      url: 'https://example.com/a.png',
      description: 'Ada',
      fit: 'cover',
      variant: 'avatar',
    });
    expect(image('i', { url: bind('/u') }).component).toStrictEqual({ id: 'i', component: 'Image', url: { path: '/u' } });
  });

  it('icon: by name, by svgPath, by binding', () => {
    expect(icon('i1', { name: 'mail' }).component).toStrictEqual({ id: 'i1', component: 'Icon', name: 'mail' });
    expect(icon('i2', { name: { svgPath: 'M0 0h24v24H0z' } }).component).toStrictEqual({
      id: 'i2',
      component: 'Icon',
      name: { svgPath: 'M0 0h24v24H0z' },
    });
    expect(icon('i3', { name: bind('/icon') }).component).toStrictEqual({ id: 'i3', component: 'Icon', name: { path: '/icon' } });
  });

  it('video and audioPlayer', () => {
    expect(video('v', { url: 'https://example.com/v.mp4' }).component).toStrictEqual({
      id: 'v',
      component: 'Video',
      url: 'https://example.com/v.mp4',
    });
    expect(audioPlayer('a', { url: bind('/track/url'), description: 'Episode 1' }).component).toStrictEqual({
      id: 'a',
      component: 'AudioPlayer',
      url: { path: '/track/url' },
      description: 'Episode 1',
    });
  });

  it('divider: no required props', () => {
    expect(divider('d').component).toStrictEqual({ id: 'd', component: 'Divider' });
    expect(divider('d2', { axis: 'vertical' }).component).toStrictEqual({ id: 'd2', component: 'Divider', axis: 'vertical' });
  });

  it('checkBox', () => {
    const checks = [{ condition: bind('/accepted'), message: 'Required' }];
    expect(checkBox('cb', { label: 'Subscribe', value: bind('/subscribe'), checks }).component).toStrictEqual({
      id: 'cb',
      component: 'CheckBox',
      label: 'Subscribe',
      value: { path: '/subscribe' },
      checks: [{ condition: { path: '/accepted' }, message: 'Required' }],
    });
  });

  it('textField', () => {
    expect(
      textField('to', { label: 'To', value: bind('/draft/to'), variant: 'shortText', validationRegexp: '^.+@.+$' }).component,
    ).toStrictEqual({
      id: 'to',
      component: 'TextField',
      label: 'To',
      value: { path: '/draft/to' },
      variant: 'shortText',
      validationRegexp: '^.+@.+$',
    });
    expect(textField('q', { label: 'Search' }).component).toStrictEqual({ id: 'q', component: 'TextField', label: 'Search' });
  });

  it('dateTimeInput', () => {
    expect(
      dateTimeInput('when', { value: '', enableDate: true, enableTime: false, min: '2025-01-01', max: bind('/max'), label: 'Date' })
        .component,
    ).toStrictEqual({
      id: 'when',
      component: 'DateTimeInput',
      value: '',
      enableDate: true,
      enableTime: false,
      min: '2025-01-01',
      max: { path: '/max' },
      label: 'Date',
    });
  });

  it('choicePicker', () => {
    const options = [
      { label: 'Email', value: 'email' },
      { label: bind('/labels/phone'), value: 'phone' },
    ];
    expect(
      choicePicker('pref', {
        label: 'Contact by',
        variant: 'multipleSelection',
        options,
        value: bind('/prefs'),
        displayStyle: 'chips',
        filterable: true,
      }).component,
    ).toStrictEqual({
      id: 'pref',
      component: 'ChoicePicker',
      label: 'Contact by',
      variant: 'multipleSelection',
      options: [
        { label: 'Email', value: 'email' },
        { label: { path: '/labels/phone' }, value: 'phone' },
      ],
      value: { path: '/prefs' },
      displayStyle: 'chips',
      filterable: true,
    });
  });

  it('slider: max and value required, min optional', () => {
    expect(slider('vol', { max: 10, value: bind('/volume') }).component).toStrictEqual({
      id: 'vol',
      component: 'Slider',
      max: 10,
      value: { path: '/volume' },
    });
    expect(slider('s', { label: 'Size', min: 1, max: 5, value: 3 }).component).toStrictEqual({
      id: 's',
      component: 'Slider',
      label: 'Size',
      min: 1,
      max: 5,
      value: 3,
    });
  });
});

describe('container builders: child nodes become ids and kids', () => {
  const a = text('a', { text: 'A' });
  const b = text('b', { text: 'B' });

  it('row: nodes and string ids mixed, in order; only nodes are kids', () => {
    const node = row('r', { children: [a, 'elsewhere', b], justify: 'spaceBetween', align: 'center' });
    expect(node.component).toStrictEqual({
      id: 'r',
      component: 'Row',
      children: ['a', 'elsewhere', 'b'],
      justify: 'spaceBetween',
      align: 'center',
    });
    expect(node.kids).toEqual([a, b]);
    expect(node.kids[0]).toBe(a);
    expect(node.kids[1]).toBe(b);
    expectPlainJson(node);
  });

  it('column: a template node becomes {componentId, path} and the single kid', () => {
    const template = text('item', { text: bind('name') });
    const node = column('c', { children: { template, path: '/items' }, align: undefined });
    expect(node.component).toStrictEqual({ id: 'c', component: 'Column', children: { componentId: 'item', path: '/items' } });
    expect(node.kids).toEqual([template]);
    expect(node.kids[0]).toBe(template);
  });

  it('list: a template given as a string id adds no kid', () => {
    const node = list('l', { children: { template: 'row-template', path: '/rows' }, direction: 'horizontal', align: 'start' });
    expect(node.component).toStrictEqual({
      id: 'l',
      component: 'List',
      children: { componentId: 'row-template', path: '/rows' },
      direction: 'horizontal',
      align: 'start',
    });
    expect(node.kids).toHaveLength(0);
  });

  it('list with fixed children, and an empty child list', () => {
    expect(list('l', { children: [a] }).component).toStrictEqual({ id: 'l', component: 'List', children: ['a'] });
    const empty = column('e', { children: [] });
    expect(empty.component).toStrictEqual({ id: 'e', component: 'Column', children: [] });
    expect(empty.kids).toHaveLength(0);
  });

  it('card: node child and string child', () => {
    const node = card('k', { child: a, weight: 2 });
    expect(node.component).toStrictEqual({ id: 'k', component: 'Card', child: 'a', weight: 2 });
    expect(node.kids).toEqual([a]);
    const byId = card('k2', { child: 'a' });
    expect(byId.component).toStrictEqual({ id: 'k2', component: 'Card', child: 'a' });
    expect(byId.kids).toHaveLength(0);
  });

  it('button: child id, action, variant, checks', () => {
    const label = text('send.label', { text: 'Send' });
    const checks = [{ condition: { call: 'required', args: { value: bind('/to') }, returnType: 'boolean' as const }, message: 'To?' }];
    const node = button('send', { child: label, action: event('send', { draft: bind('/draft') }), variant: 'primary', checks });
    expect(node.component).toStrictEqual({
      id: 'send',
      component: 'Button',
      child: 'send.label',
      action: { event: { name: 'send', context: { draft: { path: '/draft' } } } },
      variant: 'primary',
      checks: [{ condition: { call: 'required', args: { value: { path: '/to' } }, returnType: 'boolean' }, message: 'To?' }],
    });
    expect(node.kids).toEqual([label]);
  });

  it('tabs: each tab child becomes an id; node children are kids in tab order', () => {
    const node = tabs('t', {
      tabs: [
        { title: 'Inbox', child: a },
        { title: bind('/tabs/1'), child: 'shared-pane' },
        { title: 'Sent', child: b },
      ],
    });
    expect(node.component).toStrictEqual({
      id: 't',
      component: 'Tabs',
      tabs: [
        { title: 'Inbox', child: 'a' },
        { title: { path: '/tabs/1' }, child: 'shared-pane' },
        { title: 'Sent', child: 'b' },
      ],
    });
    expect(node.kids).toEqual([a, b]);
  });

  it('modal: kids are trigger then content', () => {
    const trigger = labelButton('open', 'Open', event('open'));
    const content = text('body', { text: 'Hello' });
    const node = modal('m', { content, trigger });
    expect(node.component).toStrictEqual({ id: 'm', component: 'Modal', trigger: 'open', content: 'body' });
    expect(node.kids).toEqual([trigger, content]);
    expect(node.kids[0]).toBe(trigger);
  });

  it('does not mutate the props it was given', () => {
    const children = [a, 'x', b];
    const props = { children, justify: undefined };
    const node = row('r', props);
    expect(props.children).toBe(children);
    expect(children).toEqual([a, 'x', b]);
    expect('justify' in props).toBe(true);
    expect((node.component as { children: unknown }).children).not.toBe(children);
  });
});

describe('helpers', () => {
  it('bind', () => {
    expect(bind('/mail/0/subject')).toStrictEqual({ path: '/mail/0/subject' });
  });

  it('event: context only when given', () => {
    expect(event('archive')).toStrictEqual({ event: { name: 'archive' } });
    expect(event('archive', { email_id: '123', read: true })).toStrictEqual({
      event: { name: 'archive', context: { email_id: '123', read: true } },
    });
  });

  it('labelButton: Button with a Text child `${id}.label`', () => {
    const node = labelButton('reply', bind('/labels/reply'), event('reply', { email_id: '7' }), { variant: 'borderless' });
    expect(node.component).toStrictEqual({
      id: 'reply',
      component: 'Button',
      variant: 'borderless',
      child: 'reply.label',
      action: { event: { name: 'reply', context: { email_id: '7' } } },
    });
    expect(node.kids).toHaveLength(1);
    expect(node.kids[0]!.component).toStrictEqual({ id: 'reply.label', component: 'Text', text: { path: '/labels/reply' } });
    expect(labelButton('b', 'Go', event('go')).component).toStrictEqual({
      id: 'b',
      component: 'Button',
      child: 'b.label',
      action: { event: { name: 'go' } },
    });
  });
});

describe('types follow the catalog (checked by npm run typecheck)', () => {
  it('rejects missing required props, invented props and unknown enum values', () => {
    // @ts-expect-error Text requires `text`
    const noText = text('x', {});
    // @ts-expect-error `color` is not a Text prop in v0.9
    const invented = text('x', { text: 'a', color: 'red' });
    // @ts-expect-error 'h6' is not a Text variant
    const badVariant = text('x', { text: 'a', variant: 'h6' });
    // @ts-expect-error Slider requires `max`
    const noMax = slider('s', { value: 1 });
    // @ts-expect-error Button requires an action
    const noAction = button('b', { child: 'x' });
    // @ts-expect-error `checks` only exists on Checkable components
    const textChecks = text('x', { text: 'a', checks: [] });
    // At run time the builders do not check: the types and the schema test do.
    expect([noText, invented, badVariant, noMax, noAction, textChecks].map((n) => n.component.component)).toEqual([
      'Text',
      'Text',
      'Text',
      'Slider',
      'Button',
      'Text',
    ]);
  });
});
