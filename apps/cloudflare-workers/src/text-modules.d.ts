/** Files wrangler bundles as text modules (wrangler.jsonc's `rules`): the default export is the text. */
declare module '*.html' {
  const text: string;
  export default text;
}
