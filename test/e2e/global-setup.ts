import { existsSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH } from './browser.js';

/** Fails the run at once, with the fix, when something the browser tests need is missing. */
export default function setup() {
  const index = path.resolve(import.meta.dirname, '../../web/dist/index.html');
  if (!existsSync(index)) {
    throw new Error(
      `The web app isn't built (${index} is missing). Run \`npm run test:e2e\`, or \`npm run build:web\` first.`,
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium isn't installed at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\`.`);
  }
}
