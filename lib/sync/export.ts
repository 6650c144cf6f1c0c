/**
 * exportPlan: a model (or one subtree) back to plan territories, so that Import writes a plan that
 * Publish accepts unchanged: export → rows → parse → diff against the same org → no changes.
 *
 * Hand-made rules (no TP_ prefix) become Criteria only when they can come back unchanged: the territory
 * has no tool rules and exactly one hand-made rule, whose filter only ANDs its items. Any other hand-made
 * rules are left out of the plan (they stay in the org: Publish leaves hand-made rules alone unless told to
 * touch them) and are reported in `notes` by exportPlanDetailed.
 */
import { decodeRules, isToolRule } from '../plan';
import { bareRuleItemField, RULE_OPERATORS } from '../plan/salesforce';
import type { Criterion, PlanTerritory } from '../plan/types';
import { cmp, idKey, indexAssociations, sameId } from './match';
import type { AssociationIndex } from './match';
import { isAndOnly } from './rule-compare';
import type { OrgSnapshot, SnapshotRule, SnapshotTerritory } from './types';

export interface ExportOptions {
	/** Export only this territory and its descendants (the root has no Parent in the plan). */
	scopeRootKey?: string | null;
	/** Include manual account assignments (external key when known, else the Account Id). */
	includeAccounts?: boolean;
}

export interface ExportNote {
	key: string;
	code: 'HAND_MADE_RULES_NOT_EXPORTED' | 'RULES_NOT_EXACT';
	message: string;
}

const OPERATORS = new Set(Object.values(RULE_OPERATORS));

export function exportPlan(snapshot: OrgSnapshot, options: ExportOptions = {}): PlanTerritory[] {
	return exportPlanDetailed(snapshot, options).territories;
}

export function exportPlanDetailed(snapshot: OrgSnapshot, options: ExportOptions = {}): { territories: PlanTerritory[]; notes: ExportNote[] } {
	const byId = new Map(snapshot.territories.map((t) => [idKey(t.id), t]));
	const children = new Map<string, SnapshotTerritory[]>();
	const roots: SnapshotTerritory[] = [];
	for (const t of snapshot.territories) {
		const parent = t.parentId ? byId.get(idKey(t.parentId)) : undefined;
		if (parent) children.set(idKey(parent.id), [...(children.get(idKey(parent.id)) ?? []), t]);
		else roots.push(t);
	}
	let top = roots;
	if (options.scopeRootKey) {
		const key = options.scopeRootKey.toLowerCase();
		const root = snapshot.territories.find((t) => t.developerName.toLowerCase() === key);
		if (!root) throw new Error(`Territory ${options.scopeRootKey} does not exist in the model.`);
		top = [root];
	}
	const byNameThenKey = (a: SnapshotTerritory, b: SnapshotTerritory): number => cmp(a.name, b.name) || cmp(a.developerName, b.developerName);

	const ordered: { t: SnapshotTerritory; parentKey: string | null }[] = [];
	const seen = new Set<string>();
	const visit = (t: SnapshotTerritory, parentKey: string | null): void => {
		if (seen.has(t.id)) return;
		seen.add(t.id);
		ordered.push({ t, parentKey });
		for (const c of [...(children.get(idKey(t.id)) ?? [])].sort(byNameThenKey)) visit(c, t.developerName);
	};
	for (const t of [...top].sort(byNameThenKey)) visit(t, null);

	const notes: ExportNote[] = [];
	const index = indexAssociations(snapshot);
	const territories = ordered.map(({ t, parentKey }, i) => toPlanTerritory(snapshot, index, t, parentKey, i + 2, options, notes));
	return { territories, notes };
}

function toPlanTerritory(
	snapshot: OrgSnapshot,
	index: AssociationIndex,
	t: SnapshotTerritory,
	parentKey: string | null,
	row: number,
	options: ExportOptions,
	notes: ExportNote[],
): PlanTerritory {
	const type = snapshot.types.find((x) => sameId(x.id, t.typeId));
	const username = (id: string): string => index.usersById.get(idKey(id))?.username ?? id;
	const users = (index.usersByTerritory.get(idKey(t.id)) ?? [])
		.map((a) => ({ ref: username(a.userId), role: a.role }))
		.sort((a, b) => cmp(a.ref.toLowerCase(), b.ref.toLowerCase()));
	const accounts = options.includeAccounts
		? (index.accountsByTerritory.get(idKey(t.id)) ?? [])
				.map((a) => index.accountsById.get(idKey(a.objectId))?.externalKey ?? a.objectId)
				.sort(cmp)
		: [];
	return {
		row,
		rows: [row],
		name: t.name,
		key: t.developerName,
		keyGenerated: false,
		parentKey,
		type: type ? type.developerName : t.typeId,
		description: t.description,
		accountAccess: t.accountAccessLevel,
		opportunityAccess: t.opportunityAccessLevel,
		caseAccess: t.caseAccessLevel,
		...rulesToColumns(snapshot, index, t, notes),
		users,
		forecastManager: t.forecastUserId ? username(t.forecastUserId) : null,
		accounts,
	};
}

function rulesToColumns(
	snapshot: OrgSnapshot,
	index: AssociationIndex,
	t: SnapshotTerritory,
	notes: ExportNote[],
): Pick<PlanTerritory, 'postalCodes' | 'countries' | 'states' | 'criteria'> {
	const ruleIds = new Set((index.rulesByTerritory.get(idKey(t.id)) ?? []).map((a) => idKey(a.ruleId)));
	const rules = snapshot.rules.filter((r) => ruleIds.has(idKey(r.id))).sort((a, b) => cmp(a.developerName, b.developerName));
	const tool = rules.filter((r) => isToolRule(r.developerName));
	const hand = rules.filter((r) => !isToolRule(r.developerName));
	const empty = { postalCodes: [], countries: [], states: [], criteria: [] };
	if (tool.length > 0) {
		const decoded = decodeRules(tool, { key: t.developerName });
		if (!decoded.exact) {
			notes.push({ key: t.developerName, code: 'RULES_NOT_EXACT', message: `The tool rules of ${t.developerName} were edited by hand; the plan shows what could be read.` });
		}
		if (hand.length > 0) notHandMade(t, hand, notes);
		return { postalCodes: decoded.postalCodes, countries: decoded.countries, states: decoded.states, criteria: decoded.criteria };
	}
	if (hand.length === 1 && asCriteria(hand[0])) return { ...empty, criteria: asCriteria(hand[0]) as Criterion[] };
	if (hand.length > 0) notHandMade(t, hand, notes);
	return empty;
}

function notHandMade(t: SnapshotTerritory, hand: SnapshotRule[], notes: ExportNote[]): void {
	notes.push({
		key: t.developerName,
		code: 'HAND_MADE_RULES_NOT_EXPORTED',
		message: `Hand-made rules ${hand.map((r) => r.developerName).join(', ')} of ${t.developerName} cannot be written as Criteria; they stay in the org and Publish leaves them alone.`,
	});
}

/** A hand-made rule as Criteria, or null when Criteria cannot say the same thing. */
function asCriteria(rule: SnapshotRule): Criterion[] | null {
	if (rule.items.length === 0 || !isAndOnly(rule)) return null;
	const criteria: Criterion[] = [];
	for (const item of [...rule.items].sort((a, b) => a.sortOrder - b.sortOrder)) {
		if (!OPERATORS.has(item.operation) || item.value === null) return null;
		const values = item.value
			.split(',')
			.map((v) => v.trim())
			.filter((v) => v !== '');
		if (values.length === 0) return null;
		criteria.push({ field: bareRuleItemField(item.field), operation: item.operation, values });
	}
	return criteria;
}
