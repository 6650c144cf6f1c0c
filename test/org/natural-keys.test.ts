import { naturalKeyOf } from '../../lib/org/natural-keys';

describe('naturalKeyOf', () => {
	it('matches 15- and 18-character Ids, DeveloperNames in any case and SortOrder as text or number', () => {
		const id18 = '0MA8d000000001bCAA';
		expect(naturalKeyOf('Territory2', { Territory2ModelId: id18, DeveloperName: 'Bay_Area' })).toBe(
			naturalKeyOf('Territory2', { Territory2ModelId: id18.slice(0, 15), DeveloperName: 'BAY_AREA' }),
		);
		expect(naturalKeyOf('ObjectTerritory2AssignmentRuleItem', { RuleId: '0OH8d000000001b', SortOrder: 2 })).toBe(
			naturalKeyOf('ObjectTerritory2AssignmentRuleItem', { RuleId: '0OH8d000000001b', SortOrder: '2' }),
		);
	});
	it('keeps Ids case-sensitive and needs every key field', () => {
		expect(naturalKeyOf('UserTerritory2Association', { UserId: '0058d000000001b', Territory2Id: '0MI8d000000001b' })).not.toBe(
			naturalKeyOf('UserTerritory2Association', { UserId: '0058d000000001B', Territory2Id: '0MI8d000000001b' }),
		);
		expect(naturalKeyOf('UserTerritory2Association', { UserId: '0058d000000001b' })).toBeNull();
		expect(naturalKeyOf('Account', { Id: '0018d000000001b' })).toBeNull();
	});
});
