/**
 * The server's route table: each entry names the methods and the path pattern it serves, and the
 * handler gets the pattern's groups. The server (server.ts) looks a request up here and answers
 * NOT_FOUND when no entry matches, so adding an endpoint is adding a row, not another branch.
 */
import type { RouteResponse } from '../contracts';
import type { EndpointKind } from './request-log';

export interface Route<Req, Res = RouteResponse> {
	/** The methods served (HEAD arrives as GET); '*' serves every method. */
	methods: '*' | readonly string[];
	/** The whole path, without the query string or a trailing slash; its groups are the handler's `params`. */
	path: RegExp;
	/** The request log's kind for this endpoint, set before the handler runs (else the handler sets it). */
	kind?: EndpointKind;
	handle(params: (string | undefined)[], req: Req): Res;
}

export type RouteTable<Req, Res = RouteResponse> = readonly Route<Req, Res>[];

/** The first entry serving this method and path, with the path's groups; undefined when none does. */
export function findRoute<Req, Res>(
	table: RouteTable<Req, Res>,
	method: string,
	path: string,
): { route: Route<Req, Res>; params: (string | undefined)[] } | undefined {
	for (const route of table) {
		if (route.methods !== '*' && !route.methods.includes(method)) continue;
		const match = route.path.exec(path);
		// The pattern must cover the whole path: an unanchored one must not serve a longer path too.
		if (match && match.index === 0 && match[0].length === path.length) return { route, params: match.slice(1) };
	}
	return undefined;
}
