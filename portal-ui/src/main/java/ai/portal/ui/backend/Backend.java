package ai.portal.ui.backend;

/** The services the UI calls; a view greys out the part of the page that belongs to one that is down. */
public enum Backend {
    TENANT, JOBS, LOGS, METRICS
}
