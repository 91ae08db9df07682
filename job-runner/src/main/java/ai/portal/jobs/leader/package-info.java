/** Which replica writes: a Kubernetes Lease elects one; every replica serves the API. */
package ai.portal.jobs.leader;
