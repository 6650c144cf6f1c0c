/**
 * The pure parts of the real-n8n tooling (scripts/n8n, demo/n8n.ts): argument parsing, workflow files
 * prepared for a run, and reading `n8n execute --rawOutput`. The real runs are in `npm run test:n8n`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseDemoArgs } from '../../demo/n8n';
import { parseRawOutput } from '../../scripts/n8n/instance';
import { run } from '../../scripts/n8n/process';
import { prepareWorkflow, publishNodes, type WorkflowFile } from '../../scripts/n8n/workflows';

const examples = path.resolve(__dirname, '..', '..', 'examples');

describe('npm run demo arguments', () => {
	it('takes --once, --port and --keep as options', () => {
		expect(parseDemoArgs(['--once'])).toEqual({ once: true, port: 5678, keep: false });
		expect(parseDemoArgs(['--port', '5690', '--keep'])).toEqual({ once: false, port: 5690, keep: true });
	});

	it('refuses what is not an option instead of taking it for a folder', () => {
		expect(() => parseDemoArgs(['out-dir'])).toThrow(/Unexpected argument "out-dir"/);
		expect(() => parseDemoArgs(['--onse'])).toThrow(/--onse/);
		expect(() => parseDemoArgs(['--port', 'abc'])).toThrow(/--port must be a port number/);
	});
});

describe('prepareWorkflow', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'prepare-workflow-'));

	it("moves /home/node/.n8n-files/ paths to the run's files folder and keeps the id", () => {
		const workflow = prepareWorkflow(path.join(examples, 'publish-csv-plan.json'), '/tmp/run/files', path.join(dir, 'out'));
		const written = readFileSync(path.join(dir, 'out', `${workflow.id}.json`), 'utf8');
		expect(workflow.id).toBe('tpPublishCsvPlan1');
		expect(written).toContain('"/tmp/run/files/plan.csv"');
		expect(written).not.toContain('/home/node/.n8n-files/');
	});

	it('gives a workflow without an id one n8n accepts (at most 21 characters), and applies overrides', () => {
		const file = path.join(dir, 'no-id.json');
		writeFileSync(file, JSON.stringify({ name: 'x', nodes: [], connections: {} }));
		const workflow = prepareWorkflow(file, '/tmp/f', path.join(dir, 'out'), { overrides: { pinData: { A: [] } } });
		expect(workflow.id.length).toBeGreaterThan(0);
		expect(workflow.id.length).toBeLessThanOrEqual(21);
		expect(workflow.pinData).toEqual({ A: [] });
	});

	const modes = (workflow: WorkflowFile) => Object.fromEntries(publishNodes(workflow).map((node) => [node.name, node.parameters?.mode]));

	it('keeps the shipped dry run unless asked for a write, and then writes the file it was asked for', () => {
		const file = path.join(examples, 'publish-csv-plan.json');
		expect(modes(prepareWorkflow(file, '/tmp/f', path.join(dir, 'out')))).toEqual({ 'Publish Territory Model': 'dryRun' });
		const written = prepareWorkflow(file, '/tmp/f', path.join(dir, 'out'), { publishMode: 'write' });
		expect(modes(written)).toEqual({ 'Publish Territory Model': 'write' });
		expect(modes(JSON.parse(readFileSync(path.join(dir, 'out', `${written.id}.json`), 'utf8')))).toEqual({ 'Publish Territory Model': 'write' });
		// The shipped file itself stays dry.
		expect(modes(JSON.parse(readFileSync(file, 'utf8')))).toEqual({ 'Publish Territory Model': 'dryRun' });
	});

	it('switches only the dry runs: a Publish that applies a reviewed change set keeps its mode', () => {
		const file = path.join(dir, 'review.json');
		const publish = (name: string, parameters: Record<string, unknown>) => ({ name, type: 'n8n-nodes-territory-planning.publishTerritoryModel', parameters });
		writeFileSync(file, JSON.stringify({ id: 'tpReview', name: 'r', nodes: [publish('Dry run', {}), publish('Apply', { mode: 'applyReview' })], connections: {} }));
		expect(modes(prepareWorkflow(file, '/tmp/f', path.join(dir, 'out'), { publishMode: 'write' }))).toEqual({ 'Dry run': 'write', Apply: 'applyReview' });
	});

	it('refuses a write override for a workflow with no dry-run Publish, instead of running one that writes nothing', () => {
		expect(() => prepareWorkflow(path.join(examples, 'import-to-csv.json'), '/tmp/f', path.join(dir, 'out'), { publishMode: 'write' })).toThrow(
			/import-to-csv\.json has no Publish Territory Model node in Dry Run mode to switch to Write to Salesforce/,
		);
	});

	it('says what is wrong with a file that is not a workflow', () => {
		const file = path.join(dir, 'not-a-workflow.json');
		writeFileSync(file, '{"rows": []}');
		expect(() => prepareWorkflow(file, '/tmp/f', dir)).toThrow(/not an n8n workflow \(no "nodes" array\)/);
		writeFileSync(file, '{ nope');
		expect(() => prepareWorkflow(file, '/tmp/f', dir)).toThrow(/is not JSON/);
	});
});

describe('parseRawOutput', () => {
	it('reads the run between the banner and trailing log lines', () => {
		const stdout = ['n8n banner', 'Loading…', '{', '  "status": "success",', '  "data": { "resultData": { "runData": {} } }', '}', 'shutting down'].join('\n');
		expect(parseRawOutput(stdout)?.status).toBe('success');
	});

	it('gives undefined when n8n printed no run', () => {
		expect(parseRawOutput('Error: something\n')).toBeUndefined();
	});
});

describe('run with stdoutFile (how n8n execute is read)', () => {
	it('gets all of a large output printed just before process.exit(), from the file', async () => {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'run-stdout-')), 'out.txt');
		// 4 MB in one write, then exit at once: what `n8n execute --rawOutput` does with a dry run's run data.
		const script = "process.stdout.write('{\\n' + 'x'.repeat(4 * 1024 * 1024) + '\\n}\\n'); process.exit(0);";
		const result = await run(process.execPath, ['-e', script], { timeoutSeconds: 60, stdoutFile: file });
		expect(result.code).toBe(0);
		expect(result.stdout.length).toBe(4 * 1024 * 1024 + 5);
		expect(readFileSync(file, 'utf8')).toBe(result.stdout);
	});
});
