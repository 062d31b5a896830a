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

export async function buildClient(outDir = 'client-demo/dist'): Promise<BuildResult> {
  const out = path.resolve(outDir);
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [path.join(SOURCE_DIR, 'src/main.ts')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
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
