/**
 * The client builds its DOM from server data: no API that parses HTML or evaluates strings may appear
 * in its sources (docs/architecture.md, "Security"). A scan is blunt on purpose: there is no reason for
 * these names to appear even in comments.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The thin client, and the page on the official renderer (its own code; the renderer is a dependency). */
const SOURCE_ROOTS = [path.join(__dirname, '../../client-demo/src'), path.join(__dirname, '../../client-demo/lit')];
const FORBIDDEN = [/\binnerHTML\b/, /\bouterHTML\b/, /\binsertAdjacentHTML\b/, /\bdocument\.write(ln)?\b/, /\beval\s*\(/, /\bnew\s+Function\s*\(/, /\bsetTimeout\s*\(\s*['"`]/, /\bcreateContextualFragment\b/, /\bsrcdoc\b/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : [full];
  });
}

describe('client-demo sources', () => {
  const files = SOURCE_ROOTS.flatMap(sourceFiles);

  test('the scan sees the sources', () => {
    expect(files.some((file) => file.endsWith('surface-view.ts'))).toBe(true);
    expect(files.some((file) => file.endsWith('surface-host.ts'))).toBe(true);
    expect(files.length).toBeGreaterThan(10);
  });

  test.each(FORBIDDEN.map((pattern) => [pattern.source, pattern]))('no %s', (_name, pattern) => {
    const offenders = files.filter((file) => pattern.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the scan would catch an offender', () => {
    expect(FORBIDDEN.some((pattern) => pattern.test('el.innerHTML = text'))).toBe(true);
    expect(FORBIDDEN.some((pattern) => pattern.test('eval(code)'))).toBe(true);
  });
});
