/** The admin-curated image catalogue and how a launch's image is resolved against it. */
package ai.portal.jobs.catalog;
