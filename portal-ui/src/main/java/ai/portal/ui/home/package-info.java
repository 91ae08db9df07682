/** The landing page: my teams, their quota use, my workloads, recent events; how a guest gets access. */
package ai.portal.ui.home;
