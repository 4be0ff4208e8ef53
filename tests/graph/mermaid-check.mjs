// Renders Mermaid files to SVG with the mermaid package itself, inside jsdom (text widths are
// estimated: jsdom has no fonts). A syntax or layout error fails the file.
// Usage: node mermaid-check.mjs FILE... run from a folder whose node_modules holds mermaid@11
// and jsdom (tests/graph/run.sh does this when MERMAID_DIR names such a folder). Prints
// "ok FILE" or "FAIL FILE: error" per file.
import { createRequire } from 'module';
import { pathToFileURL } from 'url';
import fs from 'fs';

const require = createRequire(process.cwd() + '/');
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { JSDOM } = await load('jsdom');
const dom = new JSDOM('<!DOCTYPE html><body></body>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['Element', 'HTMLElement', 'SVGElement', 'Node', 'DOMParser', 'MutationObserver',
		 'CSSStyleSheet', 'getComputedStyle']) {
	if (!(k in globalThis)) globalThis[k] = dom.window[k];
}
const textWidth = (el) => 8 * (el.textContent || '').length;
dom.window.SVGElement.prototype.getBBox = function () {
	return { x: 0, y: 0, width: textWidth(this) + 1, height: 16 };
};
dom.window.SVGElement.prototype.getComputedTextLength = function () {
	return textWidth(this);
};
const mermaid = (await load('mermaid')).default;
mermaid.initialize({ startOnLoad: false, htmlLabels: false, flowchart: { htmlLabels: false } });
let bad = 0, n = 0;
for (const f of process.argv.slice(2)) {
	try {
		await mermaid.parse(fs.readFileSync(f, 'utf8'));
		const { svg } = await mermaid.render('m' + n++, fs.readFileSync(f, 'utf8'));
		if (!svg.includes('<svg')) throw new Error('no <svg> in the output');
		console.log('ok', f);
	} catch (e) {
		bad++;
		console.log('FAIL', f + ':', String(e.message || e).split('\n').slice(0, 3).join(' | '));
	}
}
process.exit(bad ? 1 : 0);
