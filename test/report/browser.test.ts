/**
 * The change report in a real browser: Debian's chromium driven by playwright-core (no browser download;
 * CHROMIUM_PATH overrides /usr/bin/chromium), with JavaScript off, as n8n's binary viewer (an iframe) and
 * a mail attachment show it. Reports of a real dry run and a real publish of an edited sample plan against
 * the sandbox org: what a person sees (the counts, a created and a deleted territory marked, folded
 * branches that open on a click), no request besides the document itself, and screenshots in
 * out/report/ (git-ignored). Skipped, saying so, only where chromium is not installed (CI installs it).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderChangeReport, type PublishResult } from '../../lib';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';
import { SAMPLE_ROWS, editedSample, saveReport } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Skipping the change report's browser test: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

/** The page's getComputedStyle, for functions that run in the browser (the type-check knows no DOM; casts vanish when transpiled). */
type InPage = { getComputedStyle(e: unknown): { backgroundColor: string; textDecorationLine: string } };

describeInBrowser('the change report in chromium', () => {
	let org: EngineOrg;
	let browser: Browser;
	let dryRun: PublishResult;
	let published: PublishResult;

	beforeAll(async () => {
		org = await startEngineOrg();
		const model = { developerName: 'Browser_Model', name: 'Browser Model' };
		await org.publish({ plan: { rows: SAMPLE_ROWS }, model });
		dryRun = await org.publish({ plan: { rows: editedSample() }, model, method: 'overwriteAll', dryRun: true });
		published = await org.publish({ plan: { rows: editedSample() }, model, method: 'overwriteAll' });
		// Root in CI: chromium's own sandbox needs user namespaces it may not get there.
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
	}, 60_000);
	afterAll(async () => {
		await browser?.close();
		await org?.stop();
	});

	/** Opens a report file with JavaScript off, recording every request the page makes (and failing them). */
	async function open(name: string, html: string): Promise<{ page: Page; url: string; requests: string[] }> {
		const url = pathToFileURL(saveReport(name, html)).href;
		const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 760 } });
		const requests: string[] = [];
		context.on('request', (r) => requests.push(r.url()));
		await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
		const page = await context.newPage();
		page.setDefaultTimeout(5_000);
		await page.goto(url);
		return { page, url, requests };
	}

	const mark = (page: Page, key: string) => page.locator(`li[data-key="${key}"] > details > summary .mark`).first();

	for (const [label, result, words] of [
		['dry run', () => dryRun, { create: 'would create', delete: 'would delete', counts: 'Territories: 1 to create, 2 to update, 1 to move, 1 to delete, 204 unchanged' }],
		['publish', () => published, { create: 'created', delete: 'deleted', counts: 'Territories: 1 created, 2 updated, 1 moved, 1 deleted, 204 unchanged' }],
	] as const) {
		it(`${label}: the counts on top, created and deleted territories marked, folded branches, no request but the document`, async () => {
			const name = `browser-${label.replace(' ', '-')}`;
			const { page, url, requests } = await open(`${name}.html`, renderChangeReport(result()));
			try {
				const counts = page.locator('#counts');
				await expect(counts.isVisible()).resolves.toBe(true);
				expect(await counts.innerText()).toContain(words.counts);
				expect(await page.locator('header .mode').innerText()).toMatch(label === 'dry run' ? /^Dry run: nothing was written/ : /^Published to Browser_Model/);

				const created = mark(page, 'Reno');
				expect(await created.isVisible()).toBe(true);
				expect(await created.innerText()).toBe(words.create);
				const deleted = mark(page, 'Gulf_Coast_16');
				expect(await deleted.isVisible()).toBe(true);
				expect(await deleted.innerText()).toBe(words.delete);
				// Marked by colour too, and a deleted territory's name is struck through.
				const colours = await Promise.all([created, deleted].map((m) => m.evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e).backgroundColor)));
				expect(colours[0]).not.toBe(colours[1]);
				const strike = await page.locator('li[data-key="Gulf_Coast_16"] > details > summary .name').evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e).textDecorationLine);
				expect(strike).toBe('line-through');

				// An unchanged branch (Central, and Texas in it) is folded; clicks open it, with JavaScript off (<details>).
				const texas = page.locator('li[data-key="Texas"] > details > summary');
				const texas01 = page.locator('li[data-key="Texas_01"]');
				expect([await texas.isVisible(), await texas01.isVisible()]).toEqual([false, false]);
				await page.locator('li[data-key="Central"] > details > summary').click();
				expect([await texas.isVisible(), await texas01.isVisible()]).toEqual([true, false]);
				await texas.click();
				expect(await texas01.isVisible()).toBe(true);

				await page.screenshot({ path: saveReport(`${name}.png`, ''), fullPage: true });
				expect(requests).toEqual([url]);
			} finally {
				await page.context().close();
			}
		}, 30_000);
	}

	it("inside a sandboxed iframe (scripts off, as in n8n's binary viewer) the report reads the same", async () => {
		const html = renderChangeReport(published);
		const srcdoc = html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
		const { page, url, requests } = await open('browser-iframe.html', `<!DOCTYPE html><html><body style="margin:0"><iframe sandbox="" style="width:1080px;height:740px;border:0" srcdoc="${srcdoc}"></iframe></body></html>`);
		try {
			const frame = page.frameLocator('iframe');
			expect(await frame.locator('#counts').innerText()).toContain('1 created');
			expect(await frame.locator('li[data-key="Reno"] > details > summary .mark').first().innerText()).toBe('created');
			await page.screenshot({ path: saveReport('browser-iframe.png', '') });
			expect(requests.filter((r) => r !== url && r !== 'about:srcdoc')).toEqual([]);
		} finally {
			await page.context().close();
		}
	}, 30_000);
});
