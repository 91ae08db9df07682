package ai.portal.jobs.workload;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key notebook tokens are derived from ({@code portal.notebooks.token-key}, env {@code NOTEBOOK_TOKEN_KEY}).
 * {@code ./portal} generates one per state folder into {@code .portal/<instance>/secrets.env}; the Helm chart keeps
 * one in a Secret of the release it creates once. Changing it gives every notebook a new token and restarts the
 * running ones (see {@link NotebookTokens}).
 *
 * @param tokenKey at least 32 characters, known only to the job runner
 */
@ConfigurationProperties("portal.notebooks")
public record NotebookTokenProperties(String tokenKey) {
}
