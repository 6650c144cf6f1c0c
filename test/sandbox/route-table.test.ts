/** The server's route table (sandbox/http/route-table.ts): which row serves a request. */
import { findRoute, type RouteTable } from '../../sandbox/http/route-table';

const table: RouteTable<string, string> = [
	{ methods: ['POST'], path: /^\/token$/, handle: (_, req) => `token ${req}` },
	{ methods: '*', path: /^\/token$/, handle: () => 'token: must POST' },
	{ methods: '*', path: /^\/id\/(\w+)\/(\w+)$/, kind: 'identity', handle: ([org, user]) => `identity ${org} ${user}` },
	{ methods: ['GET'], path: /\/data(\/.*)?/, handle: ([rest]) => `data ${rest ?? '/'}` },
];

function serve(method: string, path: string): string | undefined {
	const hit = findRoute(table, method, path);
	return hit?.route.handle(hit.params, 'req');
}

describe('the route table', () => {
	it('takes the first row whose methods and whole path match, and hands it the groups', () => {
		expect(serve('POST', '/token')).toBe('token req');
		expect(serve('GET', '/token')).toBe('token: must POST');
		expect(serve('DELETE', '/id/00D/005')).toBe('identity 00D 005');
		expect(findRoute(table, 'GET', '/id/00D/005')?.route.kind).toBe('identity');
		expect(serve('GET', '/data')).toBe('data /');
		expect(serve('GET', '/data/v62.0/limits')).toBe('data /v62.0/limits');
	});

	it('finds nothing for another method or a path a pattern only partly covers', () => {
		expect(findRoute(table, 'POST', '/data')).toBeUndefined();
		// The last row's pattern is unanchored: it must still not serve a path it matches only inside.
		expect(findRoute(table, 'GET', '/no/data')).toBeUndefined();
		expect(findRoute(table, 'GET', '/token/more')).toBeUndefined();
		expect(findRoute(table, 'GET', '/')).toBeUndefined();
	});
});
