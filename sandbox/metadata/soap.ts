/**
 * The Metadata API's SOAP endpoint as jsforce 3 calls it (`POST {instanceUrl}/services/Soap/m/{version}`,
 * lib/api/metadata.js): the file-based retrieve() and deploy() of Territory2 components, with their
 * status checks.
 *
 * Shapes (Metadata API Developer Guide: retrieve(), checkRetrieveStatus(), RetrieveResult, deploy(),
 * checkDeployStatus(), DeployResult, DeployMessage, AsyncResult):
 * - the session is the envelope's SessionHeader/sessionId (jsforce sends no Authorization header);
 * - `retrieve` / `deploy` answer an AsyncResult `{done: false, id, state: Queued}`;
 * - `checkRetrieveStatus` answers a RetrieveResult `{done, fileProperties, id, messages, status, success,
 *   zipFile}` (base64 zip: package.xml and `territory2Models/<Model>/territories/<Territory>.territory2`,
 *   under `unpackaged/` unless singlePackage); a member that names nothing is a message "Entity of type
 *   'Territory2' named 'X' cannot be found", not an error;
 * - `checkDeployStatus` answers a DeployResult `{done, status Succeeded/Failed/InProgress, success,
 *   numberComponentsDeployed/Total/Errors, details {componentFailures, componentSuccesses}}` (details only
 *   with includeDetails), each DeployMessage `{changed, componentType, created, deleted, fileName,
 *   fullName, problem, problemType, success}`;
 * - CRUD calls (readMetadata, createMetadata, updateMetadata, upsertMetadata, deleteMetadata,
 *   renameMetadata) of the Sales Territories types are refused: their Usage sections say they "aren't
 *   supported in CRUD calls" (Metadata API Developer Guide, Territory2 and the other Territory2 types).
 * - faults: HTTP 500 `soapenv:Fault` with `faultcode` sf:CODE and `faultstring` "CODE: message" — a bad
 *   session is sf:INVALID_SESSION_ID, which jsforce recognises (lib/soap.js isSessionExpired) and renews.
 * Unconfirmed and chosen here (sandbox/RULES.md #35–#36): the CRUD refusal's fault (sf:INVALID_TYPE), the
 * fault for an unknown job id (sf:INVALID_ID_FIELD), for another type in a CRUD call (sf:INVALID_TYPE) and
 * for another operation (sf:INVALID_OPERATION).
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { SalesforceError, type RouteResponse } from '../contracts';
import { CrashError, type FaultController } from '../http/faults';
import type { RequestInfo } from '../http/request-log';
import type { OrgStore } from '../store';
import { userAccess } from '../access';
import type { MetadataJobs } from './jobs';
import { allTerritory2Names, planTerritory2Deploy, territory2File, territory2Path, type ComponentWrite } from './territory2';
import { child, childText, childrenNamed, element, parseXml, XmlError, type XmlNode, type XmlTree, type XmlValue } from './xml';

const ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const SUPPORTED_TYPE = 'Territory2';
/** The Sales Territories metadata types, none of which supports CRUD calls. */
const TERRITORY_TYPES = ['Territory2', 'Territory2Model', 'Territory2Rule', 'Territory2Type', 'Territory2Settings'];
const CRUD_CALLS = ['readMetadata', 'createMetadata', 'updateMetadata', 'upsertMetadata', 'deleteMetadata', 'renameMetadata'];
const LOCK_PROBLEM = 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records';

/** Whether the call may run (session, daily allowance, 503 fault); the server decides, as for REST. */
export type Admission = { ok: true; userId: string } | { ok: false; status: number; code: string; message: string };

export interface MetadataSoapContext {
	store: OrgStore;
	faults: FaultController;
	info: RequestInfo;
	usage: { used: number; max: number };
	admit(sessionId: string | null): Admission;
	jobs: MetadataJobs;
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

/** An HTTP 500 `sf:CODE` fault, for errors the server answers outside an operation (the crash fault's 500). */
export function soapFault(code: string, message: string): RouteResponse {
	return faultResponse(new SoapFault(code, message));
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
		ctx.info.operation = operation.local;
		const sessionHeader = child(child(doc, 'Header'), 'SessionHeader');
		const sessionId = sessionHeader ? childText(sessionHeader, 'sessionId') : null;
		const admission = ctx.admit(sessionId);
		if (!admission.ok) throw new SoapFault(admission.code, admission.message, admission.status);
		ctx.info.touch(SUPPORTED_TYPE);
		const call = { ...ctx, userId: admission.userId };
		switch (operation.local) {
			case 'retrieve':
				return respond(ctx, 'retrieveResponse', retrieve(call, operation));
			case 'checkRetrieveStatus':
				return respond(ctx, 'checkRetrieveStatusResponse', checkStatus(call, 'retrieve', operation));
			case 'deploy': {
				// Metadata API guide, Territory2: deploy() needs Manage Territories besides Modify All Data
				// (or Modify Metadata) that every deploy needs.
				const access = userAccess(ctx.store, admission.userId);
				if (!access.manageTerritories || !access.modifyMetadata) {
					throw new SoapFault('sf:INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS: deploying Sales Territories components needs Manage Territories and Modify All Data or Modify Metadata', 500);
				}
				return respond(ctx, 'deployResponse', deploy(call, operation));
			}
			case 'checkDeployStatus':
				// Polling a deploy is part of writing: once the org has crashed, the connection it polls on is gone.
				if (ctx.faults.crashed) throw new CrashError();
				return respond(ctx, 'checkDeployStatusResponse', checkStatus(call, 'deploy', operation));
			default:
				if (CRUD_CALLS.includes(operation.local)) refuseCrud(operation);
				throw new SoapFault('INVALID_OPERATION', `The sandbox's Metadata API serves retrieve, deploy and their status checks, not ${operation.local}`);
		}
	} catch (err) {
		if (err instanceof SoapFault) return faultResponse(err);
		throw err;
	}
}

function respond(ctx: MetadataSoapContext, name: string, result: XmlValue): RouteResponse {
	return xmlResponse(200, envelope(element(name, { result }), limitHeader(ctx.usage)));
}

/** The types a CRUD call names: `<type>` for read/delete/rename, the components' xsi:type for the others. */
function crudTypes(operation: XmlNode): string[] {
	const named = childText(operation, 'type');
	if (named !== null) return [named.trim()];
	return childrenNamed(operation, 'metadata').map((c) => (Object.entries(c.attrs).find(([k]) => k === 'type' || k.endsWith(':type'))?.[1] ?? '').replace(/^.*:/, ''));
}

function refuseCrud(operation: XmlNode): never {
	const types = crudTypes(operation);
	const territory = types.find((t) => TERRITORY_TYPES.includes(t));
	if (territory) {
		throw new SoapFault('INVALID_TYPE', `This type of metadata isn't supported in CRUD calls: ${territory}. Use deploy() and retrieve().`);
	}
	throw new SoapFault('INVALID_TYPE', `The sandbox's Metadata API serves the ${SUPPORTED_TYPE} type through deploy() and retrieve() only, not ${types.join(', ') || '(none)'}`);
}

interface Call extends MetadataSoapContext {
	userId: string;
}

function userName(c: Call): string {
	return String(c.store.get(c.userId)?.record.Name ?? '');
}

const now = () => new Date().toISOString();

function asyncResult(id: string): XmlTree {
	return { done: false, id, state: 'Queued' };
}

function checkStatus(c: Call, kind: 'retrieve' | 'deploy', operation: XmlNode): XmlTree {
	const id = (childText(operation, 'asyncProcessId') ?? '').trim();
	const result = c.jobs.check(kind, id);
	if (!result) throw new SoapFault('INVALID_ID_FIELD', `Invalid ${kind} id: ${id}`);
	if (kind === 'deploy' && childText(operation, 'includeDetails') !== 'true') {
		const { details: _details, ...rest } = result;
		return rest;
	}
	return result;
}

function packageXmlText(members: string[], version: string): string {
	const types = members.length ? { members, name: SUPPORTED_TYPE } : undefined;
	return `<?xml version="1.0" encoding="UTF-8"?>\n${element('Package', { $: { xmlns: METADATA_NS }, types, version })}\n`;
}

function fileProperty(c: Call, fileName: string, fullName: string, type: string, id = ''): XmlTree {
	const date = now();
	return {
		createdById: c.userId,
		createdByName: userName(c),
		createdDate: date,
		fileName,
		fullName,
		id,
		lastModifiedById: c.userId,
		lastModifiedByName: userName(c),
		lastModifiedDate: date,
		manageableState: 'unmanaged',
		type,
	};
}

/** Runs a retrieve at once: its result (the zip as the store is now) is ready at the first status check. */
function retrieve(c: Call, operation: XmlNode): XmlTree {
	const request = child(operation, 'request');
	const singlePackage = childText(request ?? operation, 'singlePackage') === 'true';
	const prefix = singlePackage ? '' : 'unpackaged/';
	const unpackaged = request && child(request, 'unpackaged');
	const version = (unpackaged && childText(unpackaged, 'version')) ?? childText(request ?? operation, 'apiVersion') ?? '';
	const files: Record<string, Uint8Array> = {};
	const fileProperties: XmlTree[] = [];
	const messages: XmlTree[] = [];
	const retrieved: string[] = [];
	if (request && (childrenNamed(request, 'packageNames').length || childrenNamed(request, 'specificFiles').length)) {
		messages.push({ fileName: `${prefix}package.xml`, problem: 'The sandbox retrieves unpackaged components only (packageNames and specificFiles are not served)' });
	}
	for (const types of childrenNamed(unpackaged, 'types')) {
		const type = (childText(types, 'name') ?? '').trim();
		const members = childrenNamed(types, 'members').map((m) => m.text.trim());
		if (type !== SUPPORTED_TYPE) {
			messages.push({ fileName: `${prefix}package.xml`, problem: `The sandbox retrieves ${SUPPORTED_TYPE} components only, not ${type}` });
			continue;
		}
		for (const name of members.includes('*') ? allTerritory2Names(c.store) : members) {
			const file = territory2File(c.store, name);
			if (!file) {
				messages.push({ fileName: `${prefix}package.xml`, problem: `Entity of type '${SUPPORTED_TYPE}' named '${name}' cannot be found` });
				continue;
			}
			const path = `${prefix}${territory2Path(file.fullName)}`;
			files[path] = strToU8(file.text);
			fileProperties.push(fileProperty(c, path, file.fullName, SUPPORTED_TYPE));
			retrieved.push(file.fullName);
		}
	}
	files[`${prefix}package.xml`] = strToU8(packageXmlText(retrieved, version));
	fileProperties.push(fileProperty(c, `${prefix}package.xml`, 'package.xml', 'Package'));
	const zipFile = Buffer.from(zipSync(files)).toString('base64');
	const id = c.jobs.add(
		'retrieve',
		(jobId) => ({ done: true, fileProperties, id: jobId, messages, status: 'Succeeded', success: true, zipFile }),
		(jobId) => ({ done: false, id: jobId, status: 'InProgress', success: false }),
	);
	return asyncResult(id);
}

interface Component {
	fileName: string;
	fullName: string;
	write?: ComponentWrite;
	problem?: string;
}

function deployMessage(component: Pick<Component, 'fileName' | 'fullName' | 'problem'>, type: string, changed = false): XmlTree {
	const failed = component.problem !== undefined;
	return {
		changed: !failed && changed,
		componentType: type,
		created: false,
		createdDate: now(),
		deleted: false,
		fileName: component.fileName,
		fullName: component.fullName,
		problem: component.problem,
		problemType: failed ? 'Error' : undefined,
		success: !failed,
	};
}

/** The package's files, its prefix (the package folder) and its manifest, or a problem with the zip. */
function readPackage(zipBase64: string, singlePackage: boolean): { files: Record<string, Uint8Array>; prefix: string; manifest: XmlNode } | { problem: string } {
	let files: Record<string, Uint8Array>;
	try {
		files = unzipSync(Buffer.from(zipBase64, 'base64'));
	} catch (err) {
		return { problem: `The zip file could not be read: ${err instanceof Error ? err.message : String(err)}` };
	}
	const manifestPath = singlePackage ? 'package.xml' : Object.keys(files).find((p) => /^[^/]+\/package\.xml$/.test(p));
	if (!manifestPath || !files[manifestPath]) return { problem: 'No package.xml found' };
	try {
		return { files, prefix: manifestPath.slice(0, -'package.xml'.length), manifest: parseXml(strFromU8(files[manifestPath])) };
	} catch (err) {
		if (!(err instanceof XmlError)) throw err;
		return { problem: `Error parsing file: ${err.message}` };
	}
}

/**
 * Runs a deploy at once, as one transaction: with rollbackOnError (what the engine sends) a failure of any
 * component writes nothing; checkOnly validates only. Its result is ready at the second status check.
 *
 * The crash fault (stopAfterRecordsWritten): a deploy received after the crash is cut; a deploy whose
 * records do not fit in what may still be written writes nothing (it is atomic), crashes the org and is cut
 * before its answer; one that fits lands whole, and if that spends the allowance, its status checks are cut.
 */
function deploy(c: Call, operation: XmlNode): XmlTree {
	const { store, faults, info } = c;
	info.write = true;
	info.touch('RuleTerritory2Association');
	if (faults.crashed) throw new CrashError();
	const options = child(operation, 'DeployOptions');
	const flag = (name: string) => (options ? childText(options, name) === 'true' : false);
	const singlePackage = flag('singlePackage');
	const rollbackOnError = flag('rollbackOnError');
	const checkOnly = flag('checkOnly');
	const started = now();
	const pkg = readPackage(childText(operation, 'ZipFile') ?? '', singlePackage);

	const components: Component[] = [];
	const packageProblems: Component[] = [];
	if ('problem' in pkg) {
		packageProblems.push({ fileName: 'package.xml', fullName: 'package.xml', problem: pkg.problem });
	} else {
		const manifestName = `${pkg.prefix}package.xml`;
		for (const types of childrenNamed(pkg.manifest, 'types')) {
			const type = (childText(types, 'name') ?? '').trim();
			for (const member of childrenNamed(types, 'members').map((m) => m.text.trim())) {
				if (type !== SUPPORTED_TYPE) {
					packageProblems.push({ fileName: manifestName, fullName: member, problem: `The sandbox deploys ${SUPPORTED_TYPE} components only, not ${type}` });
					continue;
				}
				const fileName = `${pkg.prefix}${territory2Path(member)}`;
				const bytes = pkg.files[fileName];
				if (!bytes) {
					packageProblems.push({
						fileName: manifestName,
						fullName: member,
						problem: `An object '${member}' of type ${SUPPORTED_TYPE} was named in package.xml, but was not found in zipped directory`,
					});
					continue;
				}
				components.push(planComponent(c, fileName, member, strFromU8(bytes)));
			}
		}
	}

	const planned = components.filter((k) => k.write);
	const anyProblem = packageProblems.length > 0 || components.some((k) => k.problem !== undefined);
	let written = 0;
	if (!checkOnly && !(anyProblem && rollbackOnError)) {
		const records = planned.reduce((n, k) => n + k.write!.records, 0);
		if (records > faults.writeAllowance) {
			// Atomic: the crash line falls inside this deploy, so none of it is written.
			faults.crashNow();
			throw new CrashError();
		}
		written = commit(store, planned, rollbackOnError);
		info.recordsWritten += written;
		faults.noteWritten(written);
	}

	const failures = [...packageProblems, ...components.filter((k) => k.problem !== undefined)];
	const successes = components.filter((k) => k.problem === undefined);
	const failed = failures.length > 0;
	const total = components.length + packageProblems.length;
	const common = (id: string): XmlTree => ({
		checkOnly,
		createdBy: c.userId,
		createdByName: userName(c),
		createdDate: started,
		id,
		ignoreWarnings: false,
		numberComponentsTotal: total,
		numberTestErrors: 0,
		numberTestsCompleted: 0,
		numberTestsTotal: 0,
		rollbackOnError,
		runTestsEnabled: false,
		startDate: started,
	});
	const id = c.jobs.add(
		'deploy',
		(jobId) => ({
			...common(jobId),
			completedDate: now(),
			details: {
				componentFailures: failures.map((k) => deployMessage(k, k.fileName.endsWith('package.xml') && k.fullName === 'package.xml' ? '' : SUPPORTED_TYPE)),
				componentSuccesses: [
					...successes.map((k) => deployMessage(k, SUPPORTED_TYPE, (k.write?.records ?? 0) > 0)),
					deployMessage({ fileName: 'package.xml', fullName: 'package.xml' }, '', true),
				],
			},
			done: true,
			lastModifiedDate: now(),
			numberComponentErrors: failures.length,
			numberComponentsDeployed: successes.length,
			status: failed ? 'Failed' : 'Succeeded',
			success: !failed,
		}),
		(jobId) => ({ ...common(jobId), done: false, numberComponentErrors: 0, numberComponentsDeployed: 0, status: 'InProgress', success: false }),
	);
	return asyncResult(id);
}

/** A component file checked against the store: what writing it takes, or its problem. */
function planComponent(c: Call, fileName: string, fullName: string, text: string): Component {
	let root: XmlNode;
	try {
		root = parseXml(text);
	} catch (err) {
		if (!(err instanceof XmlError)) throw err;
		return { fileName, fullName, problem: `Error parsing file: ${err.message}` };
	}
	if (c.faults.lockRow('metadata', SUPPORTED_TYPE)) return { fileName, fullName, problem: LOCK_PROBLEM };
	try {
		return { fileName, fullName, write: planTerritory2Deploy(c.store, fullName, root) };
	} catch (err) {
		if (err instanceof SalesforceError) return { fileName, fullName, problem: err.message };
		throw err;
	}
}

/**
 * Writes the planned components; a component whose write the store refuses (e.g. a 16th rule) gets that
 * problem. With rollbackOnError one refusal undoes every component; without, each stands on its own.
 * Returns the records written.
 */
function commit(store: OrgStore, planned: Component[], rollbackOnError: boolean): number {
	const applyOne = (k: Component): boolean => {
		try {
			store.transaction(() => k.write!.apply());
			return true;
		} catch (err) {
			if (!(err instanceof SalesforceError)) throw err;
			k.problem = err.message;
			return false;
		}
	};
	if (!rollbackOnError) return planned.filter(applyOne).reduce((n, k) => n + k.write!.records, 0);
	const rolledBack = new Error('rolled back');
	try {
		store.transaction(() => {
			for (const k of planned) if (!applyOne(k)) throw rolledBack;
		});
	} catch (err) {
		if (err !== rolledBack) throw err;
		return 0;
	}
	return planned.reduce((n, k) => n + k.write!.records, 0);
}
