/**
 * Servers listen on 127.0.0.1 only: the sandbox org answers on loopback and refuses a connection to any
 * other address of this machine, and no listen call in the repository's servers and scripts names
 * another address (or none, which would mean every interface).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

const ROOT = path.join(__dirname, '..', '..');

/** How a TCP connection to host:port ends: 'connected' or the error code (ECONNREFUSED, …). */
function tryConnect(host: string, port: number): Promise<string> {
	return new Promise((resolve) => {
		const socket = connect({ host, port, timeout: 3000 });
		socket.once('connect', () => {
			socket.destroy();
			resolve('connected');
		});
		socket.once('timeout', () => {
			socket.destroy();
			resolve('ETIMEDOUT');
		});
		socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
	});
}

/** This machine's addresses that are not loopback (IPv4 and IPv6). */
function otherAddresses(): string[] {
	return Object.values(networkInterfaces())
		.flat()
		.filter((a): a is NonNullable<typeof a> => !!a && !a.internal && !a.address.startsWith('fe80'))
		.map((a) => a.address);
}

describe('the sandbox org listens on loopback only', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox();
	});
	afterAll(() => t?.stop());

	const port = () => Number(new URL(t.sandbox.url).port);

	it('serves at http://127.0.0.1:<port>', async () => {
		expect(new URL(t.sandbox.url).hostname).toBe('127.0.0.1');
		expect(await tryConnect('127.0.0.1', port())).toBe('connected');
	});

	it('refuses connections to IPv6 loopback and to every other address of this machine', async () => {
		const others = otherAddresses();
		for (const host of ['::1', ...others]) {
			const outcome = await tryConnect(host, port());
			// Refused (nothing listens there) or impossible (no such route or address family).
			expect([host, ['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH', 'EAFNOSUPPORT'].includes(outcome)]).toEqual([host, true]);
		}
	});
});

describe('listen calls in the repository name 127.0.0.1', () => {
	const DIRS = ['sandbox', 'scripts', 'demo', 'bench', 'test', 'lib', 'nodes'];
	const files = (dir: string): string[] =>
		readdirSync(dir).flatMap((name) => {
			const full = path.join(dir, name);
			if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : files(full);
			return /\.(ts|js|mjs|sh)$/.test(name) ? [full] : [];
		});
	const sources = DIRS.flatMap((d) => {
		try {
			return files(path.join(ROOT, d));
		} catch {
			return [];
		}
	}).filter((f) => !f.endsWith(path.join('security', 'loopback.test.ts')));

	it('every .listen( call passes 127.0.0.1 as its host', () => {
		const calls: string[] = [];
		const wrong: string[] = [];
		for (const file of sources) {
			const text = readFileSync(file, 'utf8');
			for (const m of text.matchAll(/\.listen\(([^)]*)\)?/g)) {
				const where = `${path.relative(ROOT, file)}: ${m[0]}`;
				calls.push(where);
				if (!m[1].includes("'127.0.0.1'") && !m[1].includes('"127.0.0.1"')) wrong.push(where);
			}
		}
		// The sandbox's server and the free-port probes at least.
		expect(calls.length).toBeGreaterThanOrEqual(3);
		expect(wrong).toEqual([]);
	});

	it('every n8n started by the scripts listens on 127.0.0.1 (editor, task broker, worker server)', () => {
		const env = readFileSync(path.join(ROOT, 'scripts/n8n/instance.ts'), 'utf8');
		expect(env).toMatch(/N8N_LISTEN_ADDRESS: '127\.0\.0\.1'/);
		expect(env).toMatch(/N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127\.0\.0\.1'/);
		expect(env).toMatch(/N8N_WORKER_SERVER_ADDRESS: '127\.0\.0\.1'/);
		const script = readFileSync(path.join(ROOT, 'test/e2e/run.sh'), 'utf8');
		expect(script).toMatch(/N8N_LISTEN_ADDRESS=127\.0\.0\.1/);
		expect(script).toMatch(/N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127\.0\.0\.1/);
	});
});
