/**
 * The change report of real dry runs and publishes (publishPlan over jsforce and HTTP against the sandbox
 * org): the counts at the top, the hierarchy as drawn, each territory marked with what happens to it,
 * changed fields before → after, users and rules beside it, Salesforce's message on failed rows, every
 * value escaped, nothing that loads, and a page that grows linearly with the model.
 */
import { renderChangeReport, type PlanRow, type PublishResult } from '../../lib';
import { DEMO_USERNAMES as U, startEngineOrg, type EngineOrg } from '../helpers/engine-org';
import { SAMPLE_ROWS, drawnTree, editedSample, saveReport, unescapeHtml } from './helpers';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

/** Markup as the text a person reads: tags removed, entities decoded, spaces collapsed. */
function asText(markup: string): string {
	return unescapeHtml(markup.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

/** The text of one territory's <li>, up to the next territory. */
function territoryText(html: string, key: string): string {
	const start = html.indexOf(`<li data-key="${key}"`);
	if (start < 0) throw new Error(`no territory ${key} in the report`);
	const next = html.indexOf('<li data-key=', start + 1);
	return asText(html.slice(start, next < 0 ? undefined : next));
}

function headerText(html: string): string {
	return asText(html.slice(html.indexOf('<header>'), html.indexOf('</header>')));
}

/**
 * Nothing in the page can load anything: no script, no element or attribute that fetches, no CSS that
 * does. Values are escaped, so every "<" left in the page opens a tag of the report's own.
 */
function expectSelfContained(html: string): void {
	const tags = html.match(/<[^>]*>/g) ?? [];
	const names = new Set(tags.map((t) => /^<\/?([a-z0-9!]+)/i.exec(t)?.[1]?.toLowerCase()));
	expect([...names].filter((n) => n && !SAFE_TAGS.has(n))).toEqual([]);
	expect(tags.filter((t) => /\s(src|href|srcset|action|poster|data|background|on[a-z]+)=/i.test(t))).toEqual([]);
	const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
	expect(css).not.toMatch(/url\(|@import|@font-face/i);
}

const SAFE_TAGS = new Set('!doctype html head meta title style body header main section h1 h2 h3 p span b code table thead tbody tr th td ul li details summary div'.split(' '));

describe('the change report of the sample plan', () => {
	let dryRun: PublishResult;
	let published: PublishResult;
	let edited: PublishResult;
	let editedDryRun: PublishResult;

	beforeAll(async () => {
		const model = { developerName: 'Report_Model', name: 'Report Model' };
		dryRun = await org.publish({ plan: { rows: SAMPLE_ROWS }, model, dryRun: true });
		published = await org.publish({ plan: { rows: SAMPLE_ROWS }, model });
		editedDryRun = await org.publish({ plan: { rows: editedSample() }, model, method: 'overwriteAll', dryRun: true });
		edited = await org.publish({ plan: { rows: editedSample() }, model, method: 'overwriteAll' });
	});

	it('dry run: says nothing was written, counts what a publish would do, every territory "would create" under its parent', () => {
		const html = renderChangeReport(dryRun);
		saveReport('sample-dry-run.html', html);
		const top = headerText(html);
		expect(top).toMatch(/Dry run: nothing was written/);
		expect(top).toMatch(/Territories: 208 to create/);
		expect(top).toMatch(/Users: \d+ to assign/);
		expect(top).toMatch(/Rules: \d+ to create/);
		// Salesforce's object names beside the plan's words, as the summary counts them (a new territory's
		// Forecast Manager is a Territory2 update there).
		expect(top).toMatch(/Salesforce object create update delete .*Territory2 208 \d+ 0/);

		const tree = drawnTree(html);
		expect(tree.size).toBe(208);
		expect([...tree.values()].every((t) => t.status === 'created' && t.open)).toBe(true);
		expect(tree.get('West')?.parent).toBeNull();
		expect(tree.get('Northern_California')?.parent).toBe('West');
		expect(tree.get('Northern_California_01')?.parent).toBe('Northern_California');
		const nc01 = territoryText(html, 'Northern_California_01');
		expect(nc01).toMatch(/would create Northern California 01 Northern_California_01 row 4/);
		expect(nc01).toMatch(/Parent Northern_California/);
		expect(nc01).toMatch(new RegExp(`\\+ ${U.carlaNguyen} \\(Sales Rep\\)`));
		expect(nc01).toMatch(/Postal Codes: 94000, 94002/);
		expectSelfContained(html);
	});

	it('publish: the same tree marked created, "Published" with the counts written', () => {
		const html = renderChangeReport(published);
		saveReport('sample-publish.html', html);
		expect(headerText(html)).toMatch(/Published to Report_Model: \d+ change\(s\) written\. Territories: 208 created/);
		const tree = drawnTree(html);
		expect([...tree.values()].every((t) => t.status === 'created')).toBe(true);
		expect(territoryText(html, 'West')).toMatch(/^ created West West row 2/);
	});

	it('an edit: created, updated (before → after), moved, deleted and unchanged territories; users added; unchanged branches folded', () => {
		for (const [result, dry] of [[editedDryRun, true], [edited, false]] as const) {
			const html = renderChangeReport(result);
			saveReport(`sample-edit-${dry ? 'dry-run' : 'publish'}.html`, html);
			const w = (word: string, done: string) => (dry ? word : done);
			expect(headerText(html)).toMatch(
				new RegExp(`Territories: 1 ${w('to create', 'created')}, 2 ${w('to update', 'updated')}, 1 ${w('to move', 'moved')}, 1 ${w('to delete', 'deleted')}, 204 unchanged`),
			);
			// The deleted territory's rule goes with it: counted, though it serves no plan row.
			expect(headerText(html)).toMatch(new RegExp(`Rules: 1 ${w('to create', 'created')}, 1 ${w('to delete', 'deleted')}`));
			const tree = drawnTree(html);
			expect(tree.get('Reno')).toMatchObject({ status: 'created', parent: 'Pacific_Northwest', open: true });
			expect(tree.get('West')).toMatchObject({ status: 'updated', parent: null, open: true });
			expect(tree.get('Northern_California_02')).toMatchObject({ status: 'moved', parent: 'Southern_California' });
			// A deleted territory is drawn where it was, marked.
			expect(tree.get('Gulf_Coast_16')).toMatchObject({ status: 'deleted', parent: 'Gulf_Coast', open: true });
			expect(tree.get('Gulf_Coast_15')).toMatchObject({ status: 'updated' });
			// Nothing changes under Texas: folded, and so are its territories.
			expect(tree.get('Texas')).toMatchObject({ status: 'unchanged', open: false });
			expect(tree.get('Central')).toMatchObject({ status: 'unchanged', open: false });

			expect(territoryText(html, 'West')).toMatch(/Description West region West region, FY27/);
			expect(territoryText(html, 'Northern_California_02')).toMatch(new RegExp(`${w('would move', 'moved')} .*ParentTerritory2Id Northern_California Southern_California`));
			expect(territoryText(html, 'Gulf_Coast_15')).toMatch(new RegExp(`\\+ ${U.frankMiller} \\(Sales Rep\\)`));
			expect(territoryText(html, 'Gulf_Coast_16')).toMatch(new RegExp(`${w('would delete', 'deleted')} Gulf Coast 16 Gulf_Coast_16`));
			// What the deleted territory held is beside it: its users and the org's rule linked to it.
			expect(territoryText(html, 'Gulf_Coast_16')).toMatch(/ethan\.wright@acme-demo\.example \(Sales Rep\)/);
			expect(territoryText(html, 'Gulf_Coast_16')).toMatch(/Rules TP_Gulf_Coast_16/);
			expectSelfContained(html);
		}
	});

	it('a re-publish of the same plan: already up to date, everything unchanged and folded', async () => {
		const again = await org.publish({ plan: { rows: editedSample() }, model: { developerName: 'Report_Model' }, method: 'overwriteAll', dryRun: true });
		const html = renderChangeReport(again);
		expect(headerText(html)).toMatch(/already up to date \(0 changes\)\. Territories: 208 unchanged/);
		const tree = drawnTree(html);
		expect([...tree.values()].every((t) => t.status === 'unchanged' && !t.open)).toBe(true);
	});
});

describe('values the plan and the org carry are escaped', () => {
	it('markup, ampersands, quotes and emoji in names, descriptions and users come out as text', async () => {
		const name = `<script>alert("x")</script> & 'Q' 🌍`;
		const rows: PlanRow[] = [
			{ Territory: name, Key: 'Odd_Names', Type: 'Region', Description: `"><img src=x onerror=alert(1)> <b>bold</b> & ü` },
			{ Territory: 'Child 🚀 & <i>', Key: 'Odd_Child', Parent: 'Odd_Names', Type: 'Territory', Users: `${U.davidKim} (Sales Rep)` },
		];
		const result = await org.publish({ plan: { rows }, model: { developerName: 'Odd_Model' }, dryRun: true });
		expect(result.issues).toEqual([]);
		const html = renderChangeReport(result);
		saveReport('escaping.html', html);
		expectSelfContained(html);
		expect(html).not.toMatch(/<b>bold|<i>|onerror=alert\(1\)>/);
		expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Q&#39; 🌍');
		expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;bold&lt;/b&gt; &amp; ü');
		expect(html).toContain('Child 🚀 &amp; &lt;i&gt;');
		expect(drawnTree(html).get('Odd_Child')?.parent).toBe('Odd_Names');
	});
});

describe('failed and refused publishes', () => {
	let small: EngineOrg;
	beforeAll(async () => {
		small = await startEngineOrg({ territoriesPerModel: 3 });
	});
	afterAll(async () => small?.stop());

	const PLAN: PlanRow[] = [
		{ Territory: 'West', Key: 'West', Type: 'Region', Users: `${U.anaLopez} (Owner)` },
		{ Territory: 'Pacific', Key: 'Pacific', Parent: 'West', Type: 'District' },
		{ Territory: 'East', Key: 'East', Type: 'Region' },
		{ Territory: 'New York', Key: 'New_York', Parent: 'East', Type: 'District', States: 'NY', Users: U.davidKim },
		{ Territory: 'Manhattan', Key: 'Manhattan', Parent: 'New_York', Type: 'Territory' },
	];

	it('rows Salesforce refused are marked failed with its code and message; their dependants skipped, saying why', async () => {
		const result = await small.publish({ plan: { rows: PLAN }, model: { developerName: 'Small_Model' } });
		expect(result.summary.failed).toBeGreaterThan(0);
		const html = renderChangeReport(result);
		saveReport('failed.html', html);
		expect(html).toContain('<p class="mode trouble">');
		expect(headerText(html)).toMatch(/Published to Small_Model, except \d+ failed and \d+ skipped change\(s\) marked below/);
		expect(headerText(html)).toMatch(/Territories: 3 created, 1 failed, 1 skipped/);
		const tree = drawnTree(html);
		expect(tree.get('New_York')).toMatchObject({ status: 'failed', parent: 'East', open: true });
		expect(tree.get('Manhattan')).toMatchObject({ status: 'skipped', parent: 'New_York' });
		const message = result.rows.find((r) => r.key === 'New_York')?.message ?? '';
		expect(message).toMatch(/limit of 3 territories/);
		expect(territoryText(html, 'New_York')).toContain(`LIMIT_EXCEEDED ${message}`);
		expect(territoryText(html, 'Manhattan')).toMatch(/DEPENDENCY_FAILED .*New_York/);
	});

	it('a refused plan lists every problem by row and column and says nothing was written', async () => {
		const rows: PlanRow[] = [...PLAN.slice(0, 2), { Territory: 'Nowhere', Key: 'Nowhere', Parent: 'West', Type: 'Territory', Users: 'nobody@acme-demo.example' }];
		const result = await small.publish({ plan: { rows }, model: { developerName: 'Refused_Model' }, dryRun: true });
		expect(result.issues.length).toBeGreaterThan(0);
		const html = renderChangeReport(result);
		expect(html).toContain('<p class="mode trouble">');
		const top = headerText(html);
		expect(top).toMatch(/The plan was refused with 1 problem\(s\): nothing was written to Refused_Model/);
		expect(top).toMatch(/Row 4, Users: .*nobody@acme-demo\.example/);
		const tree = drawnTree(html);
		expect(tree.get('Nowhere')?.status).toBe('failed');
		expect(tree.get('West')?.status).toBe('skipped');
	});
});

describe('10,000 territories', () => {
	it('renders in linear time, every territory in its place, unchanged branches folded', async () => {
		const big = await startEngineOrg({ territoriesPerModel: 10_500 });
		try {
			// 10 regions of 1,000 territories each (10,010 in all).
			const rows: PlanRow[] = [];
			for (let r = 0; r < 10; r++) {
				rows.push({ Territory: `Region ${r}`, Key: `R${r}`, Type: 'Region' });
				for (let i = 0; i < 1000; i++) rows.push({ Territory: `Territory ${r}-${i}`, Key: `T${r}_${i}`, Parent: `R${r}`, Type: 'Territory' });
			}
			const result = await big.publish({ plan: { rows }, model: { developerName: 'Big_Model' }, dryRun: true, maxTerritoriesPerModel: 10_500 });
			expect(result.issues).toEqual([]);
			const small = { ...result, changeSet: { ...result.changeSet, territories: result.changeSet.territories?.slice(0, 1001) } };
			renderChangeReport(small); // warm-up
			const t0 = process.hrtime.bigint();
			const smallHtml = renderChangeReport(small);
			const t1 = process.hrtime.bigint();
			const html = renderChangeReport(result);
			const t2 = process.hrtime.bigint();
			const tree = drawnTree(html);
			expect(tree.size).toBe(10_010);
			expect(tree.get('T9_999')).toMatchObject({ status: 'created', parent: 'R9' });
			// Ten times the territories: about ten times the page and, with room for a shared machine, the time.
			expect(html.length / smallHtml.length).toBeLessThan(12);
			expect(Number(t2 - t1)).toBeLessThan(Math.max(40 * Number(t1 - t0), 2e9));
			expect(Number(t2 - t1) / 1e6).toBeLessThan(5000);
		} finally {
			await big.stop();
		}
	}, 120_000);
});
