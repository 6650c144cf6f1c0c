/**
 * The engine's one error shape: a message a person can act on and a stable `code` a program can test
 * (MODEL_NOT_FOUND, INVALID_OPTION, INVALID_SESSION_ID, …). Every error the engine throws on purpose is
 * one (OrgError for what Salesforce answered, OptionError for a wrong call); the ground floor of lib/, so
 * that every layer may throw it.
 */
export class CodedError extends Error {
	constructor(
		public readonly code: string,
		message: string,
	) {
		super(message);
		this.name = 'CodedError';
	}
}
