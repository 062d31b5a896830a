/**
 * Bundles the thin client: src/main.ts → <outDir>/app.js (one IIFE, minified, with a source map),
 * next to index.html and styles.css (its `@import` of row-room.css inlined), so the server can serve
 * the folder as static files. And the page on the official A2UI renderer: lit/main.ts →
 * <outDir>/lit.js (a `.css` import is its text: row-room.css again), next to lit.html and lit.css.
 *
 *   npm run build:client          # → client-demo/dist
 */
import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

const SOURCE_DIR = __dirname;

export interface BuildResult {
  outDir: string;
  /** Bytes of app.js. */
  bundleBytes: number;
  /** Bytes of lit.js (the official renderer's page). */
  litBundleBytes: number;
}

/** One browser bundle (an IIFE for the browsers we target): the client's, or a test harness's. */
export async function bundleForBrowser(entry: string, outfile: string, options: { minify: boolean; sourcemap: true | 'inline' }): Promise<void> {
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'iife', target: 'es2020', loader: { '.css': 'text' }, logLevel: 'warning', ...options });
}

export async function buildClient(outDir = 'client-demo/dist'): Promise<BuildResult> {
  const out = path.resolve(outDir);
  await mkdir(out, { recursive: true });
  await Promise.all([
    bundleForBrowser(path.join(SOURCE_DIR, 'src/main.ts'), path.join(out, 'app.js'), { minify: true, sourcemap: true }),
    bundleForBrowser(path.join(SOURCE_DIR, 'lit/main.ts'), path.join(out, 'lit.js'), { minify: true, sourcemap: true }),
    // The style sheet with its imports inlined, otherwise as written (one request, readable).
    build({ entryPoints: [path.join(SOURCE_DIR, 'styles.css')], outfile: path.join(out, 'styles.css'), bundle: true, logLevel: 'warning' }),
  ]);
  await Promise.all(['index.html', 'lit.html', 'lit.css', 'signin.html'].map((file) => copyFile(path.join(SOURCE_DIR, file), path.join(out, file))));
  const [app, lit] = await Promise.all([stat(path.join(out, 'app.js')), stat(path.join(out, 'lit.js'))]);
  return { outDir: out, bundleBytes: app.size, litBundleBytes: lit.size };
}

if (require.main === module) {
  buildClient(process.argv[2]).then(
    ({ outDir, bundleBytes, litBundleBytes }) => {
      const dir = path.relative(process.cwd(), outDir) || '.';
      console.log(`client built: ${dir}/app.js ${(bundleBytes / 1024).toFixed(1)} KiB, ${dir}/lit.js ${(litBundleBytes / 1024).toFixed(1)} KiB`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
