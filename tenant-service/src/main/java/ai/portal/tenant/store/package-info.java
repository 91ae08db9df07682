/** The SQL of teams, members and quotas that several features read and write; rows in, values out, no rules. */
package ai.portal.tenant.store;
