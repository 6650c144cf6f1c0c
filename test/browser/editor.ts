/**
 * The editor in a browser: Debian's chromium driven by playwright-core (no browser download) against a
 * real n8n with the packed package installed, the sandbox credential and the example workflows.
 *
 *   npm run test:browser            (CHROMIUM_PATH overrides /usr/bin/chromium)
 *   npm run test:browser -- --url http://127.0.0.1:5678 --email E --password P
 *                                   against an editor already running (e.g. `npm run demo`'s)
 *
 * Steps: sign in as the owner, find both nodes in the node panel, open the Publish node of the dry-run
 * example, pick a model from the list the sandbox org serves, execute the step (a dry run), open its
 * output. A screenshot per step goes to out/browser/ (git-ignored); any failed step fails the run.
 * The last line is "N passed, N failed".
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium, type Browser, type Page } from 'playwright-core';

import { REPO_ROOT } from '../../scripts/n8n/install';
import { describeFailure } from '../../scripts/n8n/instance';
import { startSession, type Session } from '../../scripts/n8n/session';
import { prepareWorkflow } from '../../scripts/n8n/workflows';

const SHOTS = path.join(REPO_ROOT, 'out', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let OWNER = { email: 'owner@browser-test.example', firstName: 'Browser', lastName: 'Test', password: 'Browser-test-Passw0rd' };
const DRY_RUN_WORKFLOW = 'tpPublishItemsDry1';
const PUBLISH_NODE = 'Publish Territory Model (dry run)';
/** Generous: the first editor load compiles nothing, but two shared cores are slow. */
const STEP_TIMEOUT_MS = 60_000;

const log = (line: string) => console.log(`[browser] ${line}`);

class Steps {
	passed = 0;
	failed = 0;
	private index = 0;

	constructor(private readonly page: Page) {}

	/** Runs one step; a failed step stops the run (later steps depend on it). */
	async run(name: string, fn: () => Promise<string>): Promise<void> {
		this.index += 1;
		const shot = path.join(SHOTS, `${String(this.index).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
		try {
			const detail = await fn();
			await this.page.screenshot({ path: shot });
			this.passed += 1;
			console.log(`ok     ${name}: ${detail} (${path.relative(REPO_ROOT, shot)})`);
		} catch (error) {
			this.failed += 1;
			await this.page.screenshot({ path: shot }).catch(() => undefined);
			console.log(`FAILED ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (${path.relative(REPO_ROOT, shot)})`);
			throw error;
		}
	}
}

async function prepare(session: Session): Promise<void> {
	const folder = path.join(session.workDir, 'workflows');
	// The CSV example ships as a dry run; here it must write, so the model list has a model to show.
	prepareWorkflow(path.join(REPO_ROOT, 'examples', 'publish-csv-plan.json'), session.n8n.filesDir, folder, { publishMode: 'write' });
	prepareWorkflow(path.join(REPO_ROOT, 'examples', 'publish-items-dry-run.json'), session.n8n.filesDir, folder);
	await session.n8n.importWorkflows(folder);
	// The model list shows the org's models: publish the sample plan first (the demo's first step).
	const publish = await session.n8n.execute('tpPublishCsvPlan1');
	if (!publish.succeeded) throw new Error(`publishing the sample plan failed: ${describeFailure(publish)}`);
	await session.n8n.start();
	await session.n8n.setupOwner(OWNER);
}

async function editorSteps(page: Page, steps: Steps, baseUrl: string): Promise<void> {
	// n8n's own Playwright suite reads the same attribute: the editor's test ids are its stable hooks.
	// The editor's own test ids (n8n's Playwright suite reads the same attribute).
	const byId = (id: string) => page.locator(`[data-test-id="${id}"]`);

	await steps.run('sign in', async () => {
		await page.goto(`${baseUrl}/signin`);
		await byId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await byId('password').locator('input').fill(OWNER.password);
		await byId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.includes('signin'));
		return `signed in as ${OWNER.email}, now at ${new URL(page.url()).pathname}`;
	});

	await steps.run('both nodes in the node panel', async () => {
		await page.goto(`${baseUrl}/workflow/${DRY_RUN_WORKFLOW}`);
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${PUBLISH_NODE}"]`).waitFor();
		// The workflow has a trigger, so the panel offers regular nodes (ours are not triggers).
		await byId('node-creator-plus-button').first().click();
		await page.getByPlaceholder(/search nodes/i).first().fill('territory model');
		const names = byId('node-creator-item-name');
		await names.filter({ hasText: /^Publish Territory Model$/ }).first().waitFor();
		await names.filter({ hasText: /^Import Territory Model$/ }).first().waitFor();
		const listed = (await names.allInnerTexts()).map((text) => text.trim());
		await page.keyboard.press('Escape');
		return `"territory model" lists ${listed.join(', ')}`;
	});

	await steps.run('open the Publish node', async () => {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${PUBLISH_NODE}"] [data-test-id="canvas-default-node"]`).dblclick();
		await byId('ndv').getByText('Territory Model', { exact: true }).first().waitFor();
		return `the parameters of "${PUBLISH_NODE}" are open`;
	});

	await steps.run('pick a model from the list', async () => {
		const ndv = byId('ndv');
		await ndv.locator('[data-test-id="rlc-mode-selector"]').first().click();
		await page.getByRole('option', { name: 'From List' }).click();
		await ndv.locator('[data-test-id="rlc-input"]').first().click();
		// The list comes from the node's searchModels method, i.e. the sandbox org's Territory2Model records.
		const item = byId('rlc-item').filter({ hasText: 'FY27 Sales' }).first();
		await item.waitFor();
		const offered = (await byId('rlc-item').allInnerTexts()).map((text) => text.trim().replace(/\s+/g, ' '));
		await item.click();
		// The picked model is shown by its name in the locator's input.
		const chosen = await ndv.locator('input[data-test-id="rlc-input"]').first().inputValue();
		expect(/FY27 Sales/.test(chosen), `the Territory Model field shows "${chosen}" after picking FY27 Sales`);
		return `the list offered ${offered.join(' | ')}; picked "${chosen}"`;
	});

	await steps.run('run the dry run', async () => {
		await byId('ndv').locator('[data-test-id="node-execute-button"]').first().click();
		const output = byId('output-panel');
		// One summary item: the Table view shows its columns, dryRun among them.
		await output.getByText('1 item', { exact: true }).first().waitFor();
		await output.getByText('dryRun', { exact: true }).first().waitFor();
		return 'Execute step ran the dry run: 1 summary item in the output';
	});

	await steps.run('open the output', async () => {
		const output = byId('output-panel');
		await output.locator('[data-test-id="ndv-run-data-display-mode"]').getByText('JSON', { exact: true }).click();
		await output.getByText(/"dryRun"/).first().waitFor();
		// The JSON view renders only what is in sight (a dry run's summary also carries the org check), so
		// read it while scrolling down until the change set shows, as a person would.
		await output.hover();
		let text = '';
		for (let i = 0; i < 40 && !/"changes"[\s\S]*[~+-] (Territory2|ObjectTerritory2AssignmentRule)/.test(text); i++) {
			text += ` ${(await output.innerText()).replace(/\s+/g, ' ')}`;
			await page.mouse.wheel(0, 500);
			await page.waitForTimeout(100);
		}
		expect(/"dryRun": ?true/.test(text), `the JSON output does not say "dryRun": true: ${text.slice(0, 300)}`);
		const changes = text.match(/[~+-] (Territory2|ObjectTerritory2AssignmentRule)[^"]*/g) ?? [];
		expect(/"changes"/.test(text) && changes.length > 0, `the JSON output shows no change set: ${text.slice(0, 300)}`);
		return `JSON: "dryRun": true, change set e.g. ${changes[0]}`;
	});
}

function expect(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

async function main(): Promise<number> {
	const { values } = parseArgs({ options: { url: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } }, strict: true });
	if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	rmSync(SHOTS, { recursive: true, force: true });
	mkdirSync(SHOTS, { recursive: true });
	let session: Session | undefined;
	let browser: Browser | undefined;
	let steps: Steps | undefined;
	try {
		let url = values.url;
		if (url) {
			OWNER = { ...OWNER, email: values.email ?? OWNER.email, password: values.password ?? OWNER.password };
		} else {
			session = await startSession({ log });
			await prepare(session);
			url = session.n8n.url;
		}
		log(`editor at ${url}; chromium ${CHROMIUM}`);
		// Root in CI: chromium's own sandbox needs user namespaces it may not get there.
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(STEP_TIMEOUT_MS);
		steps = new Steps(page);
		await editorSteps(page, steps, url).catch(() => undefined);
	} finally {
		await browser?.close();
		await session?.stop();
	}
	const passed = steps?.passed ?? 0;
	const failed = steps?.failed ?? 1;
	console.log(`${passed} passed, ${failed} failed`);
	return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(`Browser test failed: ${error instanceof Error ? error.message : String(error)}`);
		console.log('0 passed, 1 failed');
		process.exitCode = 1;
	},
);
