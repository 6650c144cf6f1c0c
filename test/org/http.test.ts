/**
 * Errors name a failed query by its object, never its text: n8n rewrites an error message containing
 * "EACCES" into "Forbidden by access permissions", and Territory2's field names (CaseAccessLevel) and the
 * Organization's (DefaultCaseAccess) set it off, so a user would read a file-permission error instead of
 * Salesforce's.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';
import { queryLabel } from '../../lib/org/http';
import { OrgError } from '../../lib/org/errors';

const node: INode = { id: '1', name: 'Publish', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };
const SOQL = 'SELECT Id, Name, AccountAccessLevel, CaseAccessLevel FROM Territory2 WHERE Territory2ModelId = \'0MA000000000001\'';

it('n8n hides a message that quotes these field names (why the text is left out)', () => {
	const quoted = new NodeOperationError(node, new OrgError('INVALID_FIELD', `Query "${SOQL}" failed (INVALID_FIELD): No such column`));
	expect(quoted.message).not.toContain('INVALID_FIELD');
});

it("a failed query's message reaches the n8n user as the engine wrote it", () => {
	expect(queryLabel(SOQL)).toBe('Query of Territory2');
	const labelled = new NodeOperationError(node, new OrgError('INVALID_FIELD', `${queryLabel(SOQL)} failed (INVALID_FIELD): No such column`));
	expect(labelled.message).toBe('Query of Territory2 failed (INVALID_FIELD): No such column');
});
