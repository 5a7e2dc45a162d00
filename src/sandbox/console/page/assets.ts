/** The console's static files, served from memory (they ship inside the compiled package, no CDN). */
import { CORE_JS } from './client-core';
import { INTERACTIONS_JS } from './client-interactions';
import { MODAL_JS } from './client-modal';
import { BLOCKS_CSS } from './styles-blocks';
import { LAYOUT_CSS } from './styles-layout';

export interface Asset {
  type: string;
  body: string;
}

const JS = 'text/javascript; charset=utf-8';

export const ASSETS: Record<string, Asset> = {
  'console.css': { type: 'text/css; charset=utf-8', body: LAYOUT_CSS + BLOCKS_CSS },
  'core.js': { type: JS, body: CORE_JS },
  'interactions.js': { type: JS, body: INTERACTIONS_JS },
  'modal.js': { type: JS, body: MODAL_JS },
};

/** Script URLs in load order (core first: the others extend `window.sandboxConsole`). */
export const SCRIPT_URLS = ['core.js', 'interactions.js', 'modal.js'].map((f) => `/console/assets/${f}`);
