/** A `.css` file imported by client code is its text (esbuild's `text` loader, build.ts). */
declare module '*.css' {
  const text: string;
  export default text;
}
