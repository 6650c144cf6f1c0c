/**
 * exportPlan: a model (or one subtree) back to plan territories, so that Import writes a plan that
 * Publish accepts unchanged: export → rows → parse → diff against the same org → no changes.
 *
 * Hand-made rules (no TP_ prefix) become Criteria only when they can come back unchanged: the territory
 * has no tool rules and exactly one hand-made rule, whose filter only ANDs its items. Any other hand-made
 * rules are left out of the plan (they stay in the org: Publish leaves hand-made rules alone unless told to
 * touch them) and are reported in `notes` by exportPlanDetailed.
 */
import { CodedError } from '../coded-error';
import { criterionValues, decodeRules, formatCriteria, formatCriterion, isToolRule, packRules, parseCriteria } from '../plan';
import { bareRuleItemField, idKey, RULE_OPERATORS, sameId } from '../salesforce';
import { blankTerritory, type Criterion, type PlanTerritory } from '../plan/types';
import { cmp, indexAssociations } from './match';
import { geographyMatch } from './org-rules';
import type { AssociationIndex } from './match';
import { isAndOnly, sameMeaning } from './rule-compare';
import type { ExportNote, ExportOptions, OrgSnapshot, SnapshotRule, SnapshotTerritory } from './types';

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
		const siblings = parent ? children.get(idKey(parent.id)) : undefined;
		if (siblings) siblings.push(t);
		else if (parent) children.set(idKey(parent.id), [t]);
		else roots.push(t);
	}
	let top = roots;
	if (options.scopeRootKey) {
		const key = options.scopeRootKey.toLowerCase();
		const root = snapshot.territories.find((t) => t.developerName.toLowerCase() === key);
		if (!root) throw new CodedError('SCOPE_ROOT_NOT_FOUND', `Territory ${options.scopeRootKey} does not exist in the model.`);
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
				.map((a) => accountRef(index, a.objectId))
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

/**
 * How the Accounts column names an account: its external key when that reads back as exactly this account
 * (the column splits on commas, semicolons and new lines, trims, and matches keys case-insensitively),
 * otherwise its Id, which the column accepts beside keys.
 */
function accountRef(index: AssociationIndex, accountId: string): string {
	const key = index.accountsById.get(idKey(accountId))?.externalKey ?? null;
	if (key === null || key === '' || key !== key.trim() || /[,;\r\n]/.test(key)) return accountId;
	return keyCounts(index).get(key.toLowerCase()) === 1 ? key : accountId;
}

const keyCountCache = new WeakMap<AssociationIndex, Map<string, number>>();

/** How many accounts of the snapshot carry each external key, case-insensitively. */
function keyCounts(index: AssociationIndex): Map<string, number> {
	let counts = keyCountCache.get(index);
	if (!counts) {
		counts = new Map();
		for (const a of index.accountsById.values()) {
			if (a.externalKey !== null) counts.set(a.externalKey.toLowerCase(), (counts.get(a.externalKey.toLowerCase()) ?? 0) + 1);
		}
		keyCountCache.set(index, counts);
	}
	return counts;
}

function rulesToColumns(
	snapshot: OrgSnapshot,
	index: AssociationIndex,
	t: SnapshotTerritory,
	notes: ExportNote[],
): Pick<PlanTerritory, 'postalCodes' | 'countries' | 'states' | 'criteria'> {
	// The territory's rules in the snapshot's order (as a filter of snapshot.rules gave them), then by name.
	const ruleAt = new Set<number>();
	for (const a of index.rulesByTerritory.get(idKey(t.id)) ?? []) {
		const at = index.ruleOrder.get(idKey(a.ruleId));
		if (at !== undefined) ruleAt.add(at);
	}
	const rules = [...ruleAt].sort((a, b) => a - b).map((at) => snapshot.rules[at]).sort((a, b) => cmp(a.developerName, b.developerName));
	const tool = rules.filter((r) => isToolRule(r.developerName));
	const hand = rules.filter((r) => !isToolRule(r.developerName));
	const empty = { postalCodes: [], countries: [], states: [], criteria: [] };
	if (tool.length > 0) {
		const decoded = decodeRules(tool, { key: t.developerName, match: geographyMatch(snapshot.describe) });
		if (!decoded.exact) {
			notes.push({ key: t.developerName, code: 'RULES_NOT_EXACT', message: `The tool rules of ${t.developerName} were edited by hand; the plan shows what could be read.` });
		}
		toolRulesChangedInSetup(t, tool, index, notes);
		if (hand.length > 0) notHandMade(t, hand, notes, 'the territory has tool rules');
		return { postalCodes: decoded.postalCodes, countries: decoded.countries, states: decoded.states, criteria: decoded.criteria };
	}
	if (hand.length === 1) {
		const link = (index.rulesByTerritory.get(idKey(t.id)) ?? []).find((a) => sameId(a.ruleId, hand[0].id));
		const read = asCriteria(hand[0], link?.isInherited === true);
		if ('criteria' in read) return { ...empty, criteria: read.criteria };
		notHandMade(t, hand, notes, read.reason);
		return empty;
	}
	if (hand.length > 0) notHandMade(t, hand, notes, 'the territory has more than one hand-made rule');
	return empty;
}

/**
 * Tool rules switched off or made inherited in Setup. The plan's columns say the rule assigns accounts to
 * this territory, so Publish makes an inactive tool rule active again; an inherited link is left as it is
 * (the rule still assigns here, and undoing it would take accounts from child territories an admin chose
 * to give them).
 */
function toolRulesChangedInSetup(t: SnapshotTerritory, tool: SnapshotRule[], index: AssociationIndex, notes: ExportNote[]): void {
	const inactive = tool.filter((r) => !r.isActive).map((r) => r.developerName);
	if (inactive.length > 0) {
		notes.push({ key: t.developerName, code: 'RULES_NOT_EXACT', message: `Tool rules ${inactive.join(', ')} of ${t.developerName} are inactive; the plan shows their conditions, and Publish makes them active again.` });
	}
	const links = index.rulesByTerritory.get(idKey(t.id)) ?? [];
	const inherited = tool.filter((r) => links.some((a) => sameId(a.ruleId, r.id) && a.isInherited)).map((r) => r.developerName);
	if (inherited.length > 0) {
		notes.push({ key: t.developerName, code: 'RULES_NOT_EXACT', message: `Tool rules ${inherited.join(', ')} of ${t.developerName} apply to child territories too (set in Setup); the plan cannot say so, and Publish leaves it as it is.` });
	}
}

function notHandMade(t: SnapshotTerritory, hand: SnapshotRule[], notes: ExportNote[], reason: string): void {
	notes.push({
		key: t.developerName,
		code: 'HAND_MADE_RULES_NOT_EXPORTED',
		message: `Hand-made rules ${hand.map((r) => r.developerName).join(', ')} of ${t.developerName} cannot be written as Criteria (${reason}); they stay in the org and Publish leaves them alone.`,
	});
}

/**
 * A hand-made rule as Criteria, or why Criteria cannot say the same thing. Criteria are always active
 * and apply to their own territory only, so an inactive or inherited rule is not one; and what is written
 * must parse back to rules that mean the same as the hand-made one, or the round trip would write.
 */
function asCriteria(rule: SnapshotRule, inherited: boolean): { criteria: Criterion[] } | { reason: string } {
	if (!rule.isActive) return { reason: 'it is inactive' };
	if (inherited) return { reason: 'it applies to child territories too: IsInherited' };
	if (rule.items.length === 0) return { reason: 'it has no conditions' };
	if (!isAndOnly(rule)) return { reason: 'its filter does more than AND its conditions' };
	const criteria: Criterion[] = [];
	for (const item of [...rule.items].sort((a, b) => a.sortOrder - b.sortOrder)) {
		if (!OPERATORS.has(item.operation) || item.value === null) return { reason: `condition ${item.sortOrder} has no operator or value Criteria can hold` };
		const values = criterionValues(item.operation, item.value);
		if (values.length === 0) return { reason: `condition ${item.sortOrder} has no value` };
		criteria.push({ field: bareRuleItemField(item.field), operation: item.operation, values });
	}
	const text = formatCriteria(criteria);
	const back = parseCriteria(text);
	if (back.problems.length > 0 || back.criteria.map(formatCriterion).join('\n') !== criteria.map(formatCriterion).join('\n')) {
		return { reason: 'a value holds a character the Criteria column cannot carry, such as ";" or a line break' };
	}
	const packed = packRules({ ...CRITERIA_ONLY, criteria: back.criteria });
	if (packed.issues.length > 0 || !sameMeaning(packed.rules, [rule])) {
		return { reason: 'the Criteria it would become do not mean the same as the rule' };
	}
	return { criteria };
}

/** A territory with no columns but Criteria, to pack a hand-made rule's Criteria as Publish would. */
const CRITERIA_ONLY: PlanTerritory = blankTerritory({ name: 'x', key: 'x', rows: [0] });
