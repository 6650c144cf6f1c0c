/**
 * The bad-input corpus (test/corpus/README.md): every case under cases/ is published for real through
 * publishPlan (importModel for the cases that say so) against a sandbox org over HTTP, and judged by
 * what the org holds afterwards, record by record:
 * - rejected: exactly the expected [row, column, code] issues, nothing written (the org's records
 *   compared before and after), every row failed or skipped;
 * - error: the call throws the expected coded error naming the option, and the org is not even called;
 * - published: no issues, the model holds exactly the expected territories (names, parents, users, rule
 *   items), and publishing the same input again writes nothing (a re-run converges).
 * Whatever the outcome, no message is longer than a reader can take in, however large the cell.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importModel, publishPlan } from '../../lib';
import { issueTriples, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

const CASES = path.join(__dirname, 'cases');
/** Issue messages quote cells; a huge cell is quoted in part, so a message stays readable. */
const MAX_MESSAGE_LENGTH = 600;

type Triple = [number, string | null, string];

interface PublishedTerritory {
	name: string;
	parent: string | null;
	description?: string | null;
	type?: string;
	users?: string[];
	/** "Field operation value", in rule and SortOrder order. */
	ruleItems?: string[];
}

interface Expected {
	/** What the case tries (the README's table says the same). */
	what: string;
	/** CSV cases: how the file reaches publishPlan (default: by path, streamed, its encoding detected). */
	via?: 'csvFile' | 'csv';
	/** CSV cases: options besides plan and connection (default model Corpus_<number>). */
	options?: Record<string, unknown>;
	issues?: Triple[];
	/** Substrings the issues' messages must contain, one per entry, in any issue. */
	messages?: string[];
	error?: { code: string; option?: string; message: string };
	published?: { model: string; territories: Record<string, PublishedTerritory> };
	/** Warning codes expected beside a publish. */
	warnings?: string[];
}

interface Case {
	id: string;
	file: string;
	expected: Expected;
}

function loadCases(): Case[] {
	const files = readdirSync(CASES).filter((f) => !f.endsWith('.expected.json'));
	return files
		.map((file) => {
			const id = file.replace(/\.(csv|json)$/, '');
			const expected = JSON.parse(readFileSync(path.join(CASES, `${id}.expected.json`), 'utf8')) as Expected;
			return { id, file, expected };
		})
		.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

const cases = loadCases();

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

/** A connection patch: null removes a key (e.g. { "authType": null }). */
function patched(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...base };
	for (const [k, v] of Object.entries(patch)) {
		if (v === null) delete out[k];
		else out[k] = v;
	}
	return out;
}

/**
 * The call a case makes. A JSON case is the options object itself (connection: a patch of the org's
 * connection, "$options": the whole argument as given, "$call": "importModel"); a CSV case is its bytes
 * as the plan, with the expected file's options.
 */
function callFor(c: Case): () => Promise<unknown> {
	const file = path.join(CASES, c.file);
	const connection = org.connection as unknown as Record<string, unknown>;
	if (c.file.endsWith('.csv')) {
		const plan = c.expected.via === 'csv' ? { csv: readFileSync(file, 'utf8') } : { csvFile: file };
		const options = { model: { developerName: `Corpus_${c.id.split('-')[0]}` }, ...c.expected.options };
		return () => publishPlan({ connection: org.connection, plan, ...options } as Parameters<typeof publishPlan>[0]);
	}
	const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
	const call = (json.$call === 'importModel' ? importModel : publishPlan) as (o: unknown) => Promise<unknown>;
	if ('$options' in json) return () => call(json.$options);
	const { $call: _call, $before: _before, connection: patch, ...rest } = json;
	const options = { ...rest, connection: patch === undefined ? connection : patched(connection, patch as Record<string, unknown>) };
	return () => call(options);
}

/** "$before": a publish that must succeed first (e.g. a model holding territories the case must not touch). */
async function setUp(c: Case): Promise<void> {
	if (!c.file.endsWith('.json')) return;
	const json = JSON.parse(readFileSync(path.join(CASES, c.file), 'utf8')) as { $before?: Record<string, unknown> };
	if (!json.$before) return;
	const result = await publishPlan({ connection: org.connection, ...json.$before } as Parameters<typeof publishPlan>[0]);
	expect(result.issues).toEqual([]);
}

function modelIds(): Set<string> {
	return new Set(org.sandbox.store.records('Territory2Model').map((m) => m.Id));
}

function dropNewModels(before: Set<string>): void {
	for (const m of org.sandbox.store.records('Territory2Model')) if (!before.has(m.Id)) org.sandbox.store.deleteOne('Territory2Model', m.Id);
}

/** The model as the org holds it, in the expected file's terms (only the fields the case names). */
function publishedShape(developerName: string, expected: Record<string, PublishedTerritory>): Record<string, PublishedTerritory> {
	const state = org.model(developerName);
	const types = new Map(org.sandbox.store.records('Territory2Type').map((t) => [t.Id, String(t.DeveloperName)]));
	const out: Record<string, PublishedTerritory> = {};
	for (const t of state.territories) {
		const key = String(t.DeveloperName);
		const want = expected[key] ?? { name: '', parent: null };
		const shape: PublishedTerritory = { name: String(t.Name), parent: state.parents[key] };
		if ('description' in want) shape.description = (t.Description as string | null) ?? null;
		if ('type' in want) shape.type = types.get(String(t.Territory2TypeId));
		if ('users' in want) shape.users = state.usersByTerritory[key] ?? [];
		if ('ruleItems' in want) {
			const ruleIds = state.ruleLinks.filter((l) => l.Territory2Id === t.Id).map((l) => String(l.RuleId));
			const rules = state.rules.filter((r) => ruleIds.includes(r.Id)).sort((a, b) => String(a.DeveloperName).localeCompare(String(b.DeveloperName)));
			shape.ruleItems = rules.flatMap((r) =>
				state.ruleItems
					.filter((i) => i.RuleId === r.Id)
					.sort((a, b) => Number(a.SortOrder) - Number(b.SortOrder))
					.map((i) => `${String(i.Field)} ${String(i.Operation)} ${String(i.Value ?? '')}`),
			);
		}
		out[key] = shape;
	}
	return out;
}

it('the corpus holds at least 60 cases, each with its expected outcome', () => {
	expect(cases.length).toBeGreaterThanOrEqual(60);
	for (const c of cases) expect([c.expected.issues, c.expected.error, c.expected.published].filter(Boolean)).toHaveLength(1);
});

it('the README lists every case with what it tries', () => {
	const readme = readFileSync(path.join(__dirname, 'README.md'), 'utf8');
	// A "|" in a table cell is written "\|".
	for (const c of cases) expect(readme).toContain(`| \`${c.file}\` | ${c.expected.what.replace(/\|/g, '\\|')} |`);
});

describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
	it(c.expected.what, async () => {
		const models = modelIds();
		await setUp(c);
		const before = org.dump();
		org.sandbox.requestLog.reset();
		const run = callFor(c);
		const { expected } = c;
		try {
			if (expected.error) {
				const error = await run().then(
					() => null,
					(e: unknown) => e as Error & { code?: string; option?: string },
				);
				expect(error).not.toBeNull();
				expect({ code: error!.code, option: error!.option }).toEqual({ code: expected.error.code, option: expected.error.option });
				expect(error!.message).toContain(expected.error.message);
				expect(error!.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
				// Options are checked before anything else: the org is not even called.
				expect(org.sandbox.requestLog.apiCalls).toBe(0);
				expect(org.changesSince(before)).toEqual([]);
				return;
			}
			const result = (await run()) as Awaited<ReturnType<typeof publishPlan>>;
			for (const i of [...result.issues, ...result.warnings]) expect(i.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
			for (const text of expected.messages ?? []) expect(result.issues.map((i) => i.message).join('\n')).toContain(text);
			if (expected.issues) {
				expect(issueTriples(result)).toEqual(expected.issues);
				expect(org.sandbox.requestLog.writeCalls).toBe(0);
				expect(org.changesSince(before)).toEqual([]);
				expect(result.summary.counts).toEqual({});
				for (const r of result.rows) expect(['failed', 'skipped']).toContain(r.status);
				return;
			}
			const published = expected.published!;
			expect(issueTriples(result)).toEqual([]);
			expect(result.warnings.map((w) => w.code)).toEqual(expected.warnings ?? []);
			expect(result.summary.stopped).toBeNull();
			expect(publishedShape(published.model, published.territories)).toEqual(published.territories);
			// The same input again: nothing left to write.
			const settled = org.dump();
			const again = (await callFor(c)()) as Awaited<ReturnType<typeof publishPlan>>;
			expect(issueTriples(again)).toEqual([]);
			expect(writeCount(again)).toBe(0);
			expect(org.changesSince(settled)).toEqual([]);
		} finally {
			dropNewModels(models);
		}
	});
});
