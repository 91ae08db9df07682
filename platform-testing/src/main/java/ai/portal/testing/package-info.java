/**
 * Test fixtures shared by the backends' suites. They talk to the real services that {@code ./portal test} starts
 * once per run (Keycloak, PostgreSQL); {@link ai.portal.testing.TestStack} says where those are.
 */
package ai.portal.testing;
