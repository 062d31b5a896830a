import { isSameOriginPath, safeUrl } from '../../client-demo/src/safe-url';

const BASE = 'https://app.example.test/email/inbox';

describe('safeUrl', () => {
  test('http and https pass, normalised', () => {
    expect(safeUrl('https://example.com/a.png', BASE)).toBe('https://example.com/a.png');
    expect(safeUrl('http://example.com', BASE)).toBe('http://example.com/');
    expect(safeUrl('HTTPS://EXAMPLE.COM/x', BASE)).toBe('https://example.com/x');
  });

  test('relative URLs resolve against the page', () => {
    expect(safeUrl('/avatars/1.png', BASE)).toBe('https://app.example.test/avatars/1.png');
    expect(safeUrl('pic.png', BASE)).toBe('https://app.example.test/email/pic.png');
  });

  test('script and data schemes are refused, however they are spelled', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:image/png;base64,AAAA',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'blob:https://app.example.test/1',
    ]) {
      expect(safeUrl(url, BASE)).toBeNull();
    }
  });

  test('non-strings and empty strings are refused', () => {
    for (const url of [undefined, null, 42, {}, '', '   ']) expect(safeUrl(url, BASE)).toBeNull();
  });
});

describe('isSameOriginPath', () => {
  test('only single-slash paths', () => {
    expect(isSameOriginPath('/agents/1')).toBe(true);
    expect(isSameOriginPath('//evil.example')).toBe(false);
    expect(isSameOriginPath('/\\evil.example')).toBe(false);
    expect(isSameOriginPath('https://evil.example/')).toBe(false);
    expect(isSameOriginPath('agents')).toBe(false);
    expect(isSameOriginPath(undefined)).toBe(false);
  });
});
