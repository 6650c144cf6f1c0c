/**
 * The engine's edit of a retrieved Territory2 file: only ruleAssociations change, every other byte
 * (custom field values with their xsi:type, comments, CDATA, entities, unknown elements, indentation)
 * goes back as retrieved, since a deployed file replaces the whole component.
 */
import { editRuleAssociations, packageXml, readRuleAssociations, Territory2FileError, territory2FullName } from '../../lib/org/territory2-file';

const FILE = [
	'<?xml version="1.0" encoding="UTF-8"?>',
	'<Territory2 xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
	'    <accountAccessLevel>Edit</accountAccessLevel>',
	'    <customFields>',
	'        <name>Quota__c</name>',
	'        <value xsi:type="xsd:double">1250000.0</value>',
	'    </customFields>',
	'    <customFields>',
	'        <name>Notes__c</name>',
	'        <value xsi:type="xsd:string"><![CDATA[a <b> & "c"]]></value>',
	'    </customFields>',
	'    <description>SF &amp; the &lt;Peninsula&gt; &#x2014; north</description>',
	'    <!-- kept -->',
	'    <futureField attr=\'x\'>new in a later API version</futureField>',
	'    <name>Bay Area</name>',
	'    <ruleAssociations>',
	'        <inherited>true</inherited>',
	'        <ruleName>Rule_A</ruleName>',
	'    </ruleAssociations>',
	'    <ruleAssociations>',
	'        <inherited>false</inherited>',
	'        <ruleName>Rule_B</ruleName>',
	'    </ruleAssociations>',
	'    <territory2Type>Geo</territory2Type>',
	'</Territory2>',
	'',
].join('\n');

describe('Territory2 files: ruleAssociations edited, the rest verbatim', () => {
	it('reads the associations', () => {
		expect(readRuleAssociations(FILE)).toEqual([
			{ ruleName: 'Rule_A', inherited: true },
			{ ruleName: 'Rule_B', inherited: false },
		]);
	});

	it('removes and adds associations, changing nothing else', () => {
		const edited = editRuleAssociations(FILE, (a) => a.ruleName === 'Rule_A', [{ ruleName: 'Rule_C', inherited: false }]);
		const expected = FILE.replace(
			'    <ruleAssociations>\n        <inherited>true</inherited>\n        <ruleName>Rule_A</ruleName>\n    </ruleAssociations>\n',
			'',
		).replace(
			'<ruleName>Rule_B</ruleName>\n    </ruleAssociations>\n',
			'<ruleName>Rule_B</ruleName>\n    </ruleAssociations>\n    <ruleAssociations>\n        <inherited>false</inherited>\n        <ruleName>Rule_C</ruleName>\n    </ruleAssociations>\n',
		);
		expect(edited).toBe(expected);
		expect(readRuleAssociations(edited)).toEqual([
			{ ruleName: 'Rule_B', inherited: false },
			{ ruleName: 'Rule_C', inherited: false },
		]);
	});

	it('puts the first association before territory2Type (the WSDL order), escaped, in a compact file compactly', () => {
		const compact = '<Territory2 xmlns="http://soap.sforce.com/2006/04/metadata"><name>T</name><parentTerritory>P</parentTerritory><territory2Type>Geo</territory2Type></Territory2>';
		expect(editRuleAssociations(compact, () => false, [{ ruleName: 'R&D', inherited: true }])).toBe(
			'<Territory2 xmlns="http://soap.sforce.com/2006/04/metadata"><name>T</name><parentTerritory>P</parentTerritory>' +
				'<ruleAssociations><inherited>true</inherited><ruleName>R&amp;D</ruleName></ruleAssociations><territory2Type>Geo</territory2Type></Territory2>',
		);
	});

	it('refuses what it cannot edit faithfully', () => {
		expect(() => readRuleAssociations('<Territory2><name>x</Territory2>')).toThrow(Territory2FileError);
		expect(() => readRuleAssociations('<!DOCTYPE x><Territory2/>')).toThrow(Territory2FileError);
		expect(() => readRuleAssociations('<Territory2Model><name>x</name></Territory2Model>')).toThrow('Expected a <Territory2> file, found <Territory2Model>');
		expect(() => readRuleAssociations('<Territory2><ruleAssociations><ruleName>R&nbsp;</ruleName></ruleAssociations></Territory2>')).toThrow('Unknown entity &nbsp;');
	});

	it('names paths and manifests as the Metadata API does', () => {
		expect(territory2FullName('territory2Models/FY27/territories/Bay_Area.territory2')).toBe('FY27.Bay_Area');
		expect(territory2FullName('unpackaged/territory2Models/FY27/territories/Bay_Area.territory2')).toBe('FY27.Bay_Area');
		expect(territory2FullName('territory2Models/FY27/rules/R.territory2Rule')).toBeNull();
		expect(packageXml('Territory2', ['FY27.A', 'FY27.B'], '66.0')).toBe(
			'<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n    <types>\n' +
				'        <members>FY27.A</members>\n        <members>FY27.B</members>\n        <name>Territory2</name>\n    </types>\n    <version>66.0</version>\n</Package>\n',
		);
	});
});
