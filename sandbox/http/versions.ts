import type { RouteResponse } from '../contracts';
import { errorResponse, notFound } from './respond';

/**
 * API versions as a current org serves them.
 *
 * REST API Developer Guide, "Versions" (GET /services/data/, no authentication): an array of
 * `{label, url, version}`, oldest first, e.g. `{"label": "Summer '14", "url": "/services/data/v31.0",
 * "version": "31.0"}`; the guide's own release list has Winter '25 = 62.0, Winter '26 = 65.0,
 * Spring '26 = 66.0.
 * REST API Developer Guide, "API End-of-Life Policy" and Help article 000354473 ("Salesforce Platform
 * API Versions 21.0 through 30.0 Retirement"): 7.0–20.0 retired in Summer '22, 21.0–30.0 in Summer '25;
 * a retired version answers 410 GONE on REST. So the list starts at 31.0.
 */
export const DEFAULT_LATEST_VERSION = '66.0';
export const OLDEST_SERVED_VERSION = 31;
const OLDEST_RETIRED_VERSION = 7;

/**
 * The 410's body is not documented (only the status is): the errorCode is the one the same notices
 * give for the SOAP side of the retirement (500 UNSUPPORTED_API_VERSION). Kept here so a real org's
 * answer can replace it in one place.
 */
const RETIRED_ERROR_CODE = 'UNSUPPORTED_API_VERSION';

const SEASONS = ['Winter', 'Spring', 'Summer'] as const;

/** Three releases a year since Winter '11 (20.0): Winter, Spring, Summer; Winter '15 is 32.0. */
export function releaseLabel(major: number): string {
	const offset = major - 32;
	const year = 15 + Math.floor(offset / 3);
	return `${SEASONS[((offset % 3) + 3) % 3]} '${String(year).padStart(2, '0')}`;
}

/** The `GET /services/data` body: every served version up to `latest`, oldest first. */
export function versionList(latest: number): { label: string; url: string; version: string }[] {
	const versions = [];
	for (let v = OLDEST_SERVED_VERSION; v <= latest; v++) {
		versions.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
	}
	return versions;
}

/** undefined when the version is served; otherwise the answer for any request under it. */
export function refuseVersion(major: number, latest: number): RouteResponse | undefined {
	if (major >= OLDEST_SERVED_VERSION && major <= latest) return undefined;
	if (major >= OLDEST_RETIRED_VERSION && major < OLDEST_SERVED_VERSION) {
		return errorResponse(410, RETIRED_ERROR_CODE, `API version ${major}.0 has been retired and is no longer available. Use version ${OLDEST_SERVED_VERSION}.0 or later.`);
	}
	// Versions that never existed (or not yet): the resource is simply not there.
	return notFound();
}
