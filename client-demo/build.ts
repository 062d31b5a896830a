/**
 * Bundles the thin client: src/main.ts → <outDir>/app.js (one IIFE, minified, with a source map),
 * next to index.html and styles.css, so the server can serve the folder as static files.
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
}

/** One browser bundle (an IIFE for the browsers we target): the client's, or a test harness's. */
export async function bundleForBrowser(entry: string, outfile: string, options: { minify: boolean; sourcemap: true | 'inline' }): Promise<void> {
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'iife', target: 'es2020', logLevel: 'warning', ...options });
}

export async function buildClient(outDir = 'client-demo/dist'): Promise<BuildResult> {
  const out = path.resolve(outDir);
  await mkdir(out, { recursive: true });
  await bundleForBrowser(path.join(SOURCE_DIR, 'src/main.ts'), path.join(out, 'app.js'), { minify: true, sourcemap: true });
  await Promise.all(['index.html', 'styles.css'].map((file) => copyFile(path.join(SOURCE_DIR, file), path.join(out, file))));
  const { size } = await stat(path.join(out, 'app.js'));
  return { outDir: out, bundleBytes: size };
}

if (require.main === module) {
  buildClient(process.argv[2]).then(
    ({ outDir, bundleBytes }) => console.log(`client built: ${path.relative(process.cwd(), outDir) || '.'}/app.js ${(bundleBytes / 1024).toFixed(1)} KiB`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
