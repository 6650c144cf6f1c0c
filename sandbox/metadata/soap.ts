/**
 * The Metadata API's SOAP endpoint as jsforce 3 calls it (`POST {instanceUrl}/services/Soap/m/{version}`,
 * lib/api/metadata.js): readMetadata and updateMetadata of Territory2 components.
 *
 * Shapes (Metadata API Developer Guide, readMetadata() / updateMetadata() / SaveResult / Error):
 * - the session is the envelope's SessionHeader/sessionId (jsforce sends no Authorization header);
 * - `<readMetadataResponse><result><records xsi:type="Territory2">…</records></result>`; a fullName that
 *   names nothing answers `<records xsi:nil="true"/>` (what Salesforce returns, as reported in
 *   certinia/apex-mdapi#91 and #142: no error, an empty record);
 * - `<updateMetadataResponse><result><fullName/><success/><errors><message/><statusCode/></errors>` per
 *   component, partial saves allowed (the default since API 34.0 without AllOrNoneHeader);
 * - at most 10 components a call ("Limit: 10" in both calls' reference);
 * - faults: HTTP 500 `soapenv:Fault` with `faultcode` sf:CODE and `faultstring` "CODE: message" — a bad
 *   session is sf:INVALID_SESSION_ID, which jsforce recognises (lib/soap.js isSessionExpired) and renews.
 * Unconfirmed and chosen here (sandbox/README.md): the fault for more than 10 components
 * (sf:LIMIT_EXCEEDED), for another type (sf:INVALID_TYPE) and for another operation (sf:INVALID_OPERATION).
 */
import { SalesforceError, type RouteResponse } from '../contracts';
import { CrashError, type FaultController } from '../http/faults';
import type { RequestInfo } from '../http/request-log';
import type { OrgStore } from '../store';
import { planTerritory2Update, readTerritory2 } from './territory2';
import { child, childText, childrenNamed, element, parseXml, XmlError, type XmlNode, type XmlTree, type XmlValue } from './xml';

const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** Components per readMetadata / updateMetadata call. */
export const MAX_METADATA_COMPONENTS = 10;
const SUPPORTED_TYPE = 'Territory2';

/** Whether the call may run (session, daily allowance, 503 fault); the server decides, as for REST. */
export type Admission = { ok: true } | { ok: false; status: number; code: string; message: string };

export interface MetadataSoapContext {
	store: OrgStore;
	faults: FaultController;
	info: RequestInfo;
	usage: { used: number; max: number };
	admit(sessionId: string | null): Admission;
}

class SoapFault extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly status = 500,
		/** soapenv:Client / soapenv:Server faults carry no sf: code. */
		readonly bare = false,
	) {
		super(message);
	}
}

function envelope(body: string, header = ''): string {
	return (
		'<?xml version="1.0" encoding="UTF-8"?>' +
		`<soapenv:Envelope xmlns:soapenv="${ENVELOPE_NS}" xmlns="${METADATA_NS}" xmlns:xsi="${XSI_NS}" xmlns:sf="${METADATA_NS}">` +
		(header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
		`<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
	);
}

function xmlResponse(status: number, body: string): RouteResponse {
	return { status, body, headers: { 'Content-Type': 'text/xml;charset=UTF-8' } };
}

function faultResponse(f: SoapFault): RouteResponse {
	const code = f.bare ? f.code : `sf:${f.code}`;
	const text = f.bare ? f.message : `${f.code}: ${f.message}`;
	// faultcode carries no attribute: jsforce matches "<faultcode>sf:INVALID_SESSION_ID</faultcode>" literally.
	return xmlResponse(f.status, envelope(element('soapenv:Fault', { faultcode: code, faultstring: text })));
}

/** The SOAP API's LimitInfoHeader: the daily request count after this call. */
function limitHeader(usage: { used: number; max: number }): string {
	return element('LimitInfoHeader', { limitInfo: { current: usage.used, limit: usage.max, type: 'API REQUESTS' } });
}

/** Serves one request to /services/Soap/m/{version}. A CrashError (the crash fault) is left to the server. */
export function serveMetadataSoap(ctx: MetadataSoapContext, method: string, body: string): RouteResponse {
	try {
		if (method !== 'POST') throw new SoapFault('soapenv:Client', 'The Metadata API accepts SOAP requests by POST only', 405, true);
		let doc: XmlNode;
		try {
			doc = parseXml(body);
		} catch (err) {
			if (!(err instanceof XmlError)) throw err;
			throw new SoapFault('soapenv:Client', `The request is not well-formed XML: ${err.message}`, 500, true);
		}
		const operation = doc.local === 'Envelope' ? child(doc, 'Body')?.children[0] : undefined;
		if (!operation) throw new SoapFault('soapenv:Client', 'Expected a SOAP envelope with one operation in its Body', 500, true);
		const sessionHeader = child(child(doc, 'Header'), 'SessionHeader');
		const sessionId = sessionHeader ? childText(sessionHeader, 'sessionId') : null;
		const admission = ctx.admit(sessionId);
		if (!admission.ok) throw new SoapFault(admission.code, admission.message, admission.status);
		ctx.info.touch(SUPPORTED_TYPE);
		switch (operation.local) {
			case 'readMetadata':
				return respond(ctx, 'readMetadataResponse', { records: readMetadata(ctx, operation) });
			case 'updateMetadata':
				return respond(ctx, 'updateMetadataResponse', updateMetadata(ctx, operation));
			default:
				throw new SoapFault('INVALID_OPERATION', `The sandbox's Metadata API serves readMetadata and updateMetadata, not ${operation.local}`);
		}
	} catch (err) {
		if (err instanceof SoapFault) return faultResponse(err);
		throw err;
	}
}

function respond(ctx: MetadataSoapContext, name: string, result: XmlValue): RouteResponse {
	return xmlResponse(200, envelope(element(name, { result }), limitHeader(ctx.usage)));
}

function checkType(type: string | null): void {
	if (type !== SUPPORTED_TYPE) {
		throw new SoapFault('INVALID_TYPE', `The sandbox's Metadata API serves the ${SUPPORTED_TYPE} type only, not ${type ?? '(none)'}`);
	}
}

function checkCount(count: number, what: string): void {
	if (count > MAX_METADATA_COMPONENTS) {
		throw new SoapFault('LIMIT_EXCEEDED', `${what} takes at most ${MAX_METADATA_COMPONENTS} components per call; this one has ${count}`);
	}
}

/** One record per fullName, in order; null (a nil record) for a name that matches nothing. */
function readMetadata(ctx: MetadataSoapContext, operation: XmlNode): (XmlTree | null)[] {
	checkType(childText(operation, 'type'));
	const names = childrenNamed(operation, 'fullNames').map((n) => n.text.trim());
	checkCount(names.length, 'readMetadata');
	return names.map((name) => readTerritory2(ctx.store, name) ?? null);
}

function saveError(fullName: string, code: string, message: string, fields: string[] = []): XmlTree {
	return { errors: { fields: fields.length ? fields : undefined, message, statusCode: code }, fullName, success: false };
}

/** One SaveResult per component; each component is written whole or not at all. */
function updateMetadata(ctx: MetadataSoapContext, operation: XmlNode): XmlTree[] {
	const { store, faults, info } = ctx;
	const components = childrenNamed(operation, 'metadata');
	checkCount(components.length, 'updateMetadata');
	for (const c of components) {
		const type = Object.entries(c.attrs).find(([k]) => k === 'type' || k.endsWith(':type'))?.[1] ?? null;
		checkType(type?.replace(/^.*:/, '') ?? null);
	}
	info.write = true;
	info.touch('RuleTerritory2Association');
	if (faults.crashed) throw new CrashError();
	return components.map((component) => {
		const fullName = childText(component, 'fullName') ?? '';
		if (faults.lockRow('metadata', SUPPORTED_TYPE)) {
			return saveError(fullName, 'UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record or 1 records');
		}
		try {
			const write = planTerritory2Update(store, component);
			// The crash fault: a component that does not fit in what may still be written cuts the request.
			if (write.records > faults.writeAllowance) throw new CrashError();
			store.transaction(() => write.apply());
			info.recordsWritten += write.records;
			faults.noteWritten(write.records);
			return { fullName, success: true };
		} catch (err) {
			if (err instanceof SalesforceError) return saveError(fullName, err.errorCode, err.message, err.fields);
			throw err;
		}
	});
}
