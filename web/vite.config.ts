import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the gateway at /app (src/http/web-app.ts); `npm run dev` proxies the API to a
// gateway on :4000 so the app can be worked on with hot reload.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:4000', ws: true },
      '/app/demo': 'http://localhost:4000',
    },
  },
});
