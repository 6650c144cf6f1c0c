/**
 * Searching outputs for secrets: the jest kit (test/security/secrets.test.ts) and the real-n8n runs
 * (scripts/scan-secrets.ts after scripts/test-real-n8n.sh) share this. A ledger holds the secret values
 * a run used (passwords, security tokens, client secrets, private keys, refresh and access tokens) and
 * the shapes of secrets no run hands out by name (Salesforce session ids, JWT assertions, PEM private
 * keys); anything searched that holds one is a finding.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface SecretFinding {
	/** Where it was found: a label of the output, a file path. */
	where: string;
	/** Which secret (its name, never its value). */
	secret: string;
}

/** Values shorter than this are too common to search for (and no real secret is that short). */
const MIN_LENGTH = 6;

/** Shapes of secrets, whatever their value. */
const SHAPES: Array<{ name: string; pattern: RegExp }> = [
	// A Salesforce session id: the org id, "!", then the token (Salesforce's and the sandbox org's alike).
	{ name: 'access token (session id shape)', pattern: /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._~+/=-]{20,}/ },
	// A signed JWT (the JWT bearer flow's assertion).
	{ name: 'JWT assertion', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
	{ name: 'PEM private key', pattern: /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/ },
];

export interface SecretEntry {
	name: string;
	value: string;
}

export class SecretLedger {
	private readonly entries: SecretEntry[] = [];
	readonly findings: SecretFinding[] = [];
	/** How many outputs were searched (a scan that searched nothing proves nothing). */
	searched = 0;

	/** A secret value and the forms it may take in text (as is, URL- and form-encoded, JSON-escaped). */
	add(name: string, value: string | undefined | null): this {
		if (!value || value.length < MIN_LENGTH) return this;
		const forms = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]);
		for (const form of forms) this.entries.push({ name, value: form });
		// A PEM key is also searched by its body lines: a key pasted with its line breaks lost or escaped.
		if (value.includes('-----BEGIN')) {
			for (const line of value.split(/\r?\n/).filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l))) this.entries.push({ name: `${name} (a line of it)`, value: line });
		}
		return this;
	}

	get secrets(): readonly SecretEntry[] {
		return this.entries;
	}

	/** Searches one text; returns the findings it added. */
	scanText(where: string, text: string): SecretFinding[] {
		this.searched++;
		const found: SecretFinding[] = [];
		const names = new Set<string>();
		for (const { name, value } of this.entries) if (!names.has(name) && text.includes(value)) names.add(name);
		for (const { name, pattern } of SHAPES) if (pattern.test(text)) names.add(name);
		for (const secret of names) found.push({ where, secret });
		this.findings.push(...found);
		return found;
	}

	/**
	 * Searches a value of any shape: strings, objects and arrays (every own property, enumerable or not),
	 * errors with their message, stack, description, cause chain and whatever else they carry, and the
	 * value's JSON.
	 */
	scanValue(where: string, value: unknown): SecretFinding[] {
		const texts: string[] = [];
		const seen = new Set<unknown>();
		const walk = (v: unknown, depth: number) => {
			if (v === null || v === undefined || depth > 12) return;
			if (typeof v === 'string') {
				texts.push(v);
				return;
			}
			if (typeof v !== 'object' && typeof v !== 'function') {
				texts.push(String(v));
				return;
			}
			if (seen.has(v)) return;
			seen.add(v);
			if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
				texts.push(Buffer.from(v as Uint8Array).toString('utf8'));
				return;
			}
			const keys = new Set<string>([...Object.getOwnPropertyNames(v), ...(v instanceof Error ? ['message', 'stack', 'cause', 'description'] : [])]);
			for (const key of keys) {
				let child: unknown;
				try {
					child = (v as Record<string, unknown>)[key];
				} catch {
					continue;
				}
				if (typeof child === 'function') continue;
				texts.push(key);
				walk(child, depth + 1);
			}
		};
		walk(value, 0);
		texts.push(safeJson(value));
		return this.scanText(where, texts.join('\n'));
	}

	/** Searches every file below `dir` (bytes read as text); missing folders are skipped. */
	scanDir(dir: string, label = dir): SecretFinding[] {
		const found: SecretFinding[] = [];
		for (const file of filesBelow(dir)) found.push(...this.scanText(`${label}/${path.relative(dir, file)}`, readFileSync(file).toString('latin1') + readFileSync(file).toString('utf8')));
		return found;
	}
}

function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, v: unknown) => {
				if (typeof v === 'object' && v !== null) {
					if (seen.has(v)) return '[circular]';
					seen.add(v);
				}
				return v;
			}) ?? ''
		);
	} catch {
		return '';
	}
}

export function filesBelow(dir: string): string[] {
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch {
		return [];
	}
	const out: string[] = [];
	for (const name of names) {
		const full = path.join(dir, name);
		let stat;
		try {
			stat = statSync(full);
		} catch {
			continue;
		}
		if (stat.isDirectory()) out.push(...filesBelow(full));
		else if (stat.isFile()) out.push(full);
	}
	return out;
}
