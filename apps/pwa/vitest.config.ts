import { defineProject } from 'vitest/config';
import solid from 'vite-plugin-solid';

/** The PWA's unit and component tests: solid's JSX transform, browser conditions, happy-dom. */
export default defineProject({
  plugins: [solid()],
  resolve: { conditions: ['browser'] },
  test: {
    name: 'pwa',
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
