/**
 * What every AI Portal backend shares and nothing more: JWT validation and role mapping ({@code security}),
 * RFC 9457 problem details ({@code problem}), request ids ({@code web}), {@code GET /api/v1/me} ({@code me})
 * and the OpenAPI description ({@code api}). Wired into each service by auto-configuration.
 */
package ai.portal.platform;
