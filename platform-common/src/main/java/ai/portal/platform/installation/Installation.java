package ai.portal.platform.installation;

import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which installation of the portal this process belongs to ({@code portal.installation.id}, fixed at install:
 * the Helm release sets it, {@code ./portal} generates one per state folder). Everything an installation creates in
 * a cluster or a realm carries this id, and an installation only ever watches, changes or deletes objects that carry
 * its own, so two portals can share one cluster or one realm.
 *
 * @param id a Kubernetes label value: lower-case letters, digits and dashes, at most 63 characters
 */
@ConfigurationProperties("portal.installation")
public record Installation(String id) {

    private static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public Installation {
        if (id == null || !LABEL_VALUE.matcher(id).matches()) {
            throw new IllegalArgumentException("portal.installation.id must be set to a Kubernetes label value "
                    + "(lower-case letters, digits and '-', at most 63 characters); was '" + id + "'. "
                    + "./portal sets it from PORTAL_INSTANCE_ID; a Helm release from its values.");
        }
    }
}
