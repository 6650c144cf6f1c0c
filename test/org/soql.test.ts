import { assertSoqlName, chunkForIn, inList, soqlLiteral, soqlQuote } from '../../lib/org/soql';
import { redact } from '../../lib/org/errors';
import { buildJwtAssertion, secretsOf } from '../../lib/org/connect';
import { generateKeyPairSync, verify } from 'node:crypto';

describe('soqlQuote', () => {
	it('escapes quotes and backslashes so a value cannot end the literal', () => {
		expect(soqlQuote("O'Brien")).toBe("'O\\'Brien'");
		expect(soqlQuote('a\\b')).toBe("'a\\\\b'");
		// A trailing backslash must not escape the closing quote.
		expect(soqlQuote('x\\')).toBe("'x\\\\'");
		expect(soqlQuote("x\\' OR Id != null")).toBe("'x\\\\\\' OR Id != null'");
	});
	it('escapes control characters and double quotes', () => {
		expect(soqlQuote('a\nb\tc"d')).toBe("'a\\nb\\tc\\\"d'");
	});
	it('renders numbers, booleans and null unquoted', () => {
		expect(soqlLiteral(3)).toBe('3');
		expect(soqlLiteral(true)).toBe('true');
		expect(soqlLiteral(null)).toBe('null');
		expect(() => soqlLiteral(Number.NaN)).toThrow(/SOQL/);
		expect(inList(['a', "b'c", 2])).toBe("('a','b\\'c',2)");
	});
});

describe('assertSoqlName', () => {
	it('accepts API names and refuses anything that could inject SOQL', () => {
		expect(assertSoqlName('External_Key__c')).toBe('External_Key__c');
		expect(() => assertSoqlName('Name FROM User --')).toThrow(/Invalid field name/);
		expect(() => assertSoqlName("Id, (SELECT Id FROM X)")).toThrow();
	});
});

describe('chunkForIn', () => {
	it('keeps every value once, in order, within the size and count limits', () => {
		const values = Array.from({ length: 1000 }, (_, i) => `user${i}@example.com`);
		const chunks = chunkForIn(values, 2000, 150);
		expect(chunks.flat()).toEqual(values);
		for (const c of chunks) {
			expect(c.length).toBeLessThanOrEqual(150);
			expect(inList(c).length).toBeLessThanOrEqual(2002);
		}
		expect(chunks.length).toBeGreaterThan(1000 / 150);
	});
});

describe('redact', () => {
	it('removes secrets and their URL-encoded forms', () => {
		const secret = 'p@ss w/rd+1';
		const text = `bad ${secret} and ${encodeURIComponent(secret)}`;
		const out = redact(text, [secret, undefined, '']);
		expect(out).not.toContain(secret);
		expect(out).not.toContain(encodeURIComponent(secret));
		expect(out).toContain('[redacted]');
	});
	it('removes the form-encoded form a token request body would carry', () => {
		const secret = "it's (my) pass*word!";
		const body = new URLSearchParams({ grant_type: 'password', password: secret }).toString();
		expect(body).not.toContain(encodeURIComponent(secret));
		const out = redact(`request failed: ${body}`, [secret]);
		expect(out).toBe('request failed: grant_type=password&password=[redacted]');
	});
	it('lists password + security token as one secret too', () => {
		const s = secretsOf({ authType: 'password', loginUrl: 'https://x', username: 'u', password: 'hunter22', securityToken: 'TOKEN123' });
		expect(s).toEqual(expect.arrayContaining(['hunter22', 'TOKEN123', 'hunter22TOKEN123']));
	});
});

describe('buildJwtAssertion', () => {
	it('signs iss/sub/aud/exp with RS256', () => {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const jwt = buildJwtAssertion({ clientId: 'cid', username: 'u@x.example', privateKey, loginUrl: 'https://login.example/' }, 1000);
		const [h, c, sig] = jwt.split('.');
		expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
		expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual({ iss: 'cid', sub: 'u@x.example', aud: 'https://login.example', exp: 1180 });
		expect(verify('RSA-SHA256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, 'base64url'))).toBe(true);
	});
	it('reports an unreadable key without echoing it', () => {
		const key = '-----BEGIN PRIVATE KEY-----\nnot-a-key-SECRETSECRET\n-----END PRIVATE KEY-----';
		expect(() => buildJwtAssertion({ clientId: 'c', username: 'u', privateKey: key, loginUrl: 'https://l' })).toThrow(/could not be read/);
		try {
			buildJwtAssertion({ clientId: 'c', username: 'u', privateKey: key, loginUrl: 'https://l' });
		} catch (err) {
			expect(String((err as Error).message)).not.toContain('SECRETSECRET');
		}
	});
});
