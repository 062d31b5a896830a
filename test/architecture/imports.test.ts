/**
 * The layout's rules, checked on the import graph of the source (docs/architecture.md, "Layout"):
 * data flows diff/renderer → agents → server/session → server/transport → server/app (and main.ts),
 * and no import points back up that line; modules never touch the network libraries; the clients
 * import the wire protocol's types only; and no file reaches itself through value imports.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SOURCE_DIRS = ['diff', 'renderer', 'agents', 'server', 'client-demo'];

interface Edge {
  from: string;
  /** Repo-relative path of an own file, or the package name. */
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...sourceFiles(rel));
    } else if (/\.ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function resolve(fromFile: string, spec: string): string {
  if (!spec.startsWith('.')) return spec.startsWith('node:') ? spec : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
  const base = path.normalize(path.join(path.dirname(fromFile), spec));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  return base;
}

const files = SOURCE_DIRS.flatMap(sourceFiles);
const edges: Edge[] = files.flatMap((file) => {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({ from: file, to: resolve(file, m[4]!), typeOnly: m[2] !== undefined }));
});

const own = (edge: Edge) => SOURCE_DIRS.some((dir) => edge.to.startsWith(`${dir}/`)) || edge.to === 'package.json';
const under = (file: string, dir: string) => file.startsWith(`${dir}/`);
const violations = (rule: (edge: Edge) => boolean) => edges.filter(rule).map((e) => `${e.from} → ${e.to}`);

test('the graph was read', () => {
  expect(files.length).toBeGreaterThan(100);
  expect(edges.filter(own).length).toBeGreaterThan(200);
});

test('diff/ and renderer/ import nothing of ours outside themselves', () => {
  expect(violations((e) => under(e.from, 'diff') && own(e) && !under(e.to, 'diff'))).toEqual([]);
  expect(violations((e) => under(e.from, 'renderer') && own(e) && !under(e.to, 'renderer'))).toEqual([]);
});

test('agents/ (the modules) never import the server, express, socket.io or ws', () => {
  expect(violations((e) => under(e.from, 'agents') && (under(e.to, 'server') || ['express', 'socket.io', 'ws'].includes(e.to)))).toEqual([]);
});

test('no import runs back up the pipeline: session ← transport ← app', () => {
  expect(violations((e) => under(e.from, 'server/session') && (under(e.to, 'server/transport') || under(e.to, 'server/app') || e.to === 'server/main.ts'))).toEqual([]);
  expect(violations((e) => under(e.from, 'server/transport') && (under(e.to, 'server/app') || e.to === 'server/main.ts'))).toEqual([]);
  expect(violations((e) => under(e.from, 'server/app') && e.to === 'server/main.ts')).toEqual([]);
  // Only the module list knows every module.
  expect(violations((e) => under(e.from, 'server') && under(e.to, 'agents') && /^agents\/[^/]+\/module\.ts$/.test(e.to) && e.from !== 'server/app/modules.ts')).toEqual([]);
});

test('the clients import the wire protocol as types only, and nothing else of the server', () => {
  expect(violations((e) => under(e.from, 'client-demo') && (under(e.to, 'server') || under(e.to, 'agents')) && !e.typeOnly)).toEqual([]);
});

test('no file reaches itself through value imports (no cycles)', () => {
  const graph = new Map<string, string[]>();
  for (const e of edges) if (own(e) && !e.typeOnly) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  // Tarjan's strongly connected components: any component of more than one file is a cycle.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  expect(cycles).toEqual([]);
});
