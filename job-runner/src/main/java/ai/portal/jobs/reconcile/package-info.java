/** The reconciler: converges Kubernetes to the database on the leading replica. See DESIGN.md. */
package ai.portal.jobs.reconcile;
