/**
 * What a backend accepts as input: URLs without broken escapes or control characters
 * ({@link ai.portal.platform.input.MalformedRequestFilter}) and JSON strings without control characters or broken
 * surrogates ({@link ai.portal.platform.input.StrictJsonStrings}). Anything refused is a 400 problem detail.
 */
package ai.portal.platform.input;
