/**
 * The Sales Territories rules the sandbox org enforces on every write, by object. The choices made
 * where Salesforce's behaviour is not publicly documented are listed in sandbox/RULES.md.
 */
import type { RuleBook } from '../contracts';
import { ruleItemRules, ruleRules, ruleTerritoryRules } from './assignment';
import { modelRules, typeRules } from './models';
import { objectPermissionsRules, permissionSetAssignmentRules, permissionSetRules } from './permissions';
import { territoryRules } from './territories';
import { accountRules, objectTerritoryRules, userRules, userTerritoryRules } from './users';

export const RULES: RuleBook = {
	Territory2Model: modelRules,
	Territory2Type: typeRules,
	Territory2: territoryRules,
	ObjectTerritory2AssignmentRule: ruleRules,
	ObjectTerritory2AssignmentRuleItem: ruleItemRules,
	RuleTerritory2Association: ruleTerritoryRules,
	User: userRules,
	Account: accountRules,
	UserTerritory2Association: userTerritoryRules,
	ObjectTerritory2Association: objectTerritoryRules,
	PermissionSet: permissionSetRules,
	PermissionSetAssignment: permissionSetAssignmentRules,
	ObjectPermissions: objectPermissionsRules,
};
