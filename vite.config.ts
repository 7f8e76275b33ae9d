import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Builds the renderer (served by the server and loaded by Electron) into dist/renderer.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
  server: { port: 5173, strictPort: false },
});
