/**
 * Builds the ticket-board view (ui/) into ONE self-contained HTML file, dist/view/board.html:
 * scripts and styles inlined, so the host can render it from the `ui://` resource's text
 * alone, with no network access (the view's default content security policy allows none).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

export default defineConfig({
  root: fileURLToPath(new URL('./ui', import.meta.url)),
  plugins: [viteSingleFile()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/view', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: { input: fileURLToPath(new URL('./ui/board.html', import.meta.url)) },
  },
});
