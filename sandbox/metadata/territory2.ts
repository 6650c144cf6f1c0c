/**
 * The Metadata API's Territory2 component, built from and written to the store: the Territory2 record and
 * its RuleTerritory2Association rows, as the file retrieve() returns and deploy() takes.
 *
 * Metadata API Developer Guide, Territory2: files `territory2Models/<Model>/territories/<Territory>.territory2`
 * (fullName "<ModelDeveloperName>.<TerritoryDeveloperName>") with fields accountAccessLevel,
 * caseAccessLevel, contactAccessLevel, customFields, description, name, opportunityAccessLevel,
 * parentTerritory (the parent's developer name), ruleAssociations (Territory2RuleAssociation: inherited,
 * ruleName = the Territory2Rule's developer name), territory2Type (the type's developer name). An access
 * level left out takes the default of Territory2Settings (here: rules/territories.ts DEFAULT_ACCESS).
 *
 * A deployed file replaces the component: what it leaves out is cleared (description, parent, rule
 * associations) or set back to its default (access levels). The writes keep the REST rules: rule and
 * territory in one model, no duplicate link, 15 rules per territory, no writes into a locked model.
 */
import { SalesforceError, type SRecord } from '../contracts';
import { assertModelWritable } from '../rules/common';
import { DEFAULT_ACCESS } from '../rules/territories';
import type { OrgStore } from '../store';
import { childText, childrenNamed, isNil, metadataFile, type XmlNode } from './xml';

const ACCESS_FIELDS = [
	['accountAccessLevel', 'AccountAccessLevel'],
	['opportunityAccessLevel', 'OpportunityAccessLevel'],
	['caseAccessLevel', 'CaseAccessLevel'],
	['contactAccessLevel', 'ContactAccessLevel'],
] as const;

const LINK = 'RuleTerritory2Association';

export interface ComponentWrite {
	/** Records this write changes (links added, removed or changed; the territory when a field changes). */
	records: number;
	/** Runs the write; the caller wraps it in a transaction. */
	apply(): void;
}

/** "no Territory2 named X found", as the Metadata API words a reference it cannot resolve. */
function notFound(field: string, type: string, name: string): SalesforceError {
	return new SalesforceError(400, 'INVALID_CROSS_REFERENCE_KEY', `In field: ${field} - no ${type} named ${name} found`, [field]);
}

function findModel(store: OrgStore, developerName: string): SRecord | undefined {
	return store.select('Territory2Model', 'DeveloperName', developerName, true)[0];
}

function territoryIn(store: OrgStore, modelId: string, developerName: string): SRecord | undefined {
	return store.select('Territory2', 'DeveloperName', developerName, true).find((t) => t.Territory2ModelId === modelId);
}

/** The model and territory a fullName names, or undefined. */
function locate(store: OrgStore, fullName: string): { model: SRecord; territory: SRecord } | undefined {
	const dot = fullName.indexOf('.');
	if (dot <= 0) return undefined;
	const model = findModel(store, fullName.slice(0, dot));
	const territory = model && territoryIn(store, model.Id, fullName.slice(dot + 1));
	return model && territory ? { model, territory } : undefined;
}

const developerNameOf = (store: OrgStore, id: unknown): string | undefined =>
	typeof id === 'string' ? (store.get(id)?.record.DeveloperName as string | undefined) : undefined;

/** Where a component lives in a package, and back (null for any other path). */
export function territory2Path(fullName: string): string {
	const dot = fullName.indexOf('.');
	return `territory2Models/${fullName.slice(0, dot)}/territories/${fullName.slice(dot + 1)}.territory2`;
}
export function fullNameOfPath(path: string): string | null {
	const m = /^territory2Models\/([^/]+)\/territories\/([^/]+)\.territory2$/.exec(path);
	return m ? `${m[1]}.${m[2]}` : null;
}

/** Every territory's fullName, model by model (for a `*` member). */
export function allTerritory2Names(store: OrgStore): string[] {
	return store
		.records('Territory2')
		.map((t) => `${String(developerNameOf(store, t.Territory2ModelId))}.${String(t.DeveloperName)}`)
		.sort();
}

/** The component's file, with its fullName as the org spells it; undefined when the fullName names no territory. */
export function territory2File(store: OrgStore, fullName: string): { fullName: string; text: string } | undefined {
	const found = locate(store, fullName);
	if (!found) return undefined;
	const { model, territory: t } = found;
	const links = store.select(LINK, 'Territory2Id', t.Id);
	const text = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v));
	return {
		fullName: `${String(model.DeveloperName)}.${String(t.DeveloperName)}`,
		// Elements in the WSDL's sequence (alphabetical), as Salesforce writes them.
		text: metadataFile('Territory2', {
			accountAccessLevel: text(t.AccountAccessLevel),
			caseAccessLevel: text(t.CaseAccessLevel),
			contactAccessLevel: text(t.ContactAccessLevel),
			description: text(t.Description),
			name: String(t.Name),
			opportunityAccessLevel: text(t.OpportunityAccessLevel),
			parentTerritory: text(developerNameOf(store, t.ParentTerritory2Id)),
			ruleAssociations: links
				.map((a) => ({ inherited: a.IsInherited === true, ruleName: String(developerNameOf(store, a.RuleId)) }))
				.sort((a, b) => a.ruleName.localeCompare(b.ruleName)),
			territory2Type: String(developerNameOf(store, t.Territory2TypeId)),
		}),
	};
}

/**
 * Checks a deployed Territory2 file (its root element) against the store and says what writing it takes;
 * throws a SalesforceError (the component's failure) when it cannot be written.
 */
export function planTerritory2Deploy(store: OrgStore, fullName: string, component: XmlNode): ComponentWrite {
	if (component.local !== 'Territory2') {
		throw new SalesforceError(400, 'INVALID_TYPE', `Expected a Territory2 file, found <${component.local}>`);
	}
	const found = locate(store, fullName);
	if (!found) throw notFound('fullName', 'Territory2', fullName);
	const { model, territory } = found;
	assertModelWritable(store, model.Id, { store, type: 'Territory2', admin: false, cascade: false });

	const required = (field: string): string => {
		const value = childText(component, field);
		if (value === null || value.trim() === '') {
			throw new SalesforceError(400, 'REQUIRED_FIELD_MISSING', `Required field is missing: ${field}`, [field]);
		}
		return value.trim();
	};
	const fields: Record<string, unknown> = { Name: required('name') };
	const typeName = required('territory2Type');
	const type = store.select('Territory2Type', 'DeveloperName', typeName, true)[0];
	if (!type) throw notFound('territory2Type', 'Territory2Type', typeName);
	fields.Territory2TypeId = type.Id;
	const parentName = childText(component, 'parentTerritory');
	let parentId: string | null = null;
	if (parentName !== null && parentName.trim() !== '') {
		const parent = territoryIn(store, model.Id, parentName.trim());
		if (!parent) throw notFound('parentTerritory', 'Territory2', parentName.trim());
		parentId = parent.Id;
	}
	fields.ParentTerritory2Id = parentId;
	fields.Description = childText(component, 'description');
	for (const [field, apiName] of ACCESS_FIELDS) fields[apiName] = childText(component, field) ?? DEFAULT_ACCESS[apiName];
	const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => (territory[k] ?? null) !== (v === '' ? null : v)));

	// The links the component asks for, by rule.
	const wanted = new Map<string, { rule: SRecord; inherited: boolean }>();
	for (const node of childrenNamed(component, 'ruleAssociations')) {
		if (isNil(node)) continue;
		const ruleName = (childText(node, 'ruleName') ?? '').trim();
		const rule = store
			.select('ObjectTerritory2AssignmentRule', 'DeveloperName', ruleName, true)
			.find((r) => r.Territory2ModelId === model.Id);
		if (!rule) throw notFound('ruleName', 'Territory2Rule', ruleName);
		if (wanted.has(rule.Id)) {
			throw new SalesforceError(400, 'DUPLICATE_VALUE', `duplicate value found: ruleName ${ruleName} appears twice in ruleAssociations`, ['ruleName']);
		}
		wanted.set(rule.Id, { rule, inherited: childText(node, 'inherited') === 'true' });
	}
	const current = store.select(LINK, 'Territory2Id', territory.Id);
	const removed = current.filter((a) => !wanted.has(String(a.RuleId)));
	const kept = current.filter((a) => wanted.has(String(a.RuleId)));
	const flipped = kept.filter((a) => a.IsInherited !== wanted.get(String(a.RuleId))!.inherited);
	const added = [...wanted.values()].filter((w) => !current.some((a) => a.RuleId === w.rule.Id));

	return {
		records: removed.length + added.length + flipped.length + (Object.keys(changed).length ? 1 : 0),
		apply() {
			// Removals first: the 15-rule limit counts what is left.
			for (const a of removed) store.cascadeDelete(a.Id);
			for (const a of flipped) store.systemUpdate(a.Id, { IsInherited: wanted.get(String(a.RuleId))!.inherited });
			// The Setup path: the object's own REST create may be switched off (SandboxOptions.ruleLinksViaRest).
			for (const w of added) store.adminCreate(LINK, { RuleId: w.rule.Id, Territory2Id: territory.Id, IsInherited: w.inherited });
			if (Object.keys(changed).length) store.adminUpdate('Territory2', territory.Id, changed);
		},
	};
}

