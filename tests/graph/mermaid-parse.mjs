// Syntax check of Mermaid files with the mermaid package's own parser (mermaid.parse) in jsdom.
// Usage: node mermaid-parse.mjs FILE... run from a folder whose node_modules holds mermaid@11
// and jsdom (tests/graph/run.sh does this when MERMAID_DIR names such a folder). Prints
// "ok FILE" or "FAIL FILE: error" per file. This checks syntax only: a full render needs a
// browser for text measurement.
import { createRequire } from 'module';
import { pathToFileURL } from 'url';
import fs from 'fs';

const require = createRequire(process.cwd() + '/');
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { JSDOM } = await load('jsdom');
const dom = new JSDOM('<!DOCTYPE html><body></body>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['Element', 'HTMLElement', 'SVGElement', 'Node', 'DOMParser']) {
	if (!(k in globalThis)) globalThis[k] = dom.window[k];
}
const mermaid = (await load('mermaid')).default;
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const f of process.argv.slice(2)) {
	try {
		await mermaid.parse(fs.readFileSync(f, 'utf8'));
		console.log('ok', f);
	} catch (e) {
		bad++;
		console.log('FAIL', f + ':', String(e.message || e).split('\n').slice(0, 3).join(' | '));
	}
}
process.exit(bad ? 1 : 0);
