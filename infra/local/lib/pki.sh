# The local stack's own certificate authority, one per state folder, for what must speak https locally:
# Keycloak, because the Kubernetes API server accepts an OIDC issuer only on https (and every real identity
# provider is on https, so the portal meets the same issuer URL locally as in production).
#
#   $PORTAL_STATE/pki/ca.crt, ca.key              the CA (10 years; never leaves the state folder)
#   $PORTAL_STATE/pki/keycloak.crt, keycloak.key  Keycloak's certificate: localhost and 127.0.0.1
#   $PORTAL_STATE/pki/truststore.p12              the JDK's own CAs plus this one (password "changeit"), for
#                                                 the portal's JVMs: javax.net.ssl.trustStore
#
# pki_ensure exports PORTAL_CA_FILE and PORTAL_TRUSTSTORE; curl and the scripts take PORTAL_CA_FILE, the JVMs the
# options in portal_jvm_trust_opts. Browsers do not know this CA: import ca.crt, or accept the warning once.

PORTAL_PKI=$PORTAL_STATE/pki

pki_ensure() {
    local pki=$PORTAL_PKI
    mkdir -p "$pki"
    chmod 700 "$pki"
    if [ ! -s "$pki/ca.crt" ] || [ ! -s "$pki/ca.key" ]; then
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -sha256 \
            -subj "/O=AI Portal/CN=AI Portal local CA ($PORTAL_INSTANCE, $(hostname -s 2>/dev/null || echo local))" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>"$pki/openssl.log" \
            || { cat "$pki/openssl.log" >&2; die "could not create the local CA in $pki"; }
        rm -f "$pki/keycloak.crt" "$pki/truststore.p12"
    fi
    if [ ! -s "$pki/keycloak.crt" ] || [ ! -s "$pki/keycloak.key" ]; then
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=AI Portal/CN=localhost" \
            -keyout "$pki/keycloak.key" -out "$pki/keycloak.csr" 2>"$pki/openssl.log" \
            && openssl x509 -req -in "$pki/keycloak.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
                -days 825 -sha256 -out "$pki/keycloak.crt" -extfile <(printf '%s\n' \
                    "subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth" \
                    "keyUsage=critical,digitalSignature" "basicConstraints=critical,CA:FALSE") 2>>"$pki/openssl.log" \
            || { cat "$pki/openssl.log" >&2; die "could not create Keycloak's certificate in $pki"; }
        rm -f "$pki/keycloak.csr"
        chmod 600 "$pki/keycloak.key" "$pki/ca.key"
    fi
    # served with its chain, so a client that knows only the CA's key (a pinned SPKI) can match it too
    cat "$pki/keycloak.crt" "$pki/ca.crt" >"$pki/keycloak-chain.crt"
    if [ ! -s "$pki/truststore.p12" ] || [ "$pki/ca.crt" -nt "$pki/truststore.p12" ]; then
        rm -f "$pki/truststore.p12"
        keytool -importkeystore -noprompt -srckeystore "$JAVA_HOME/lib/security/cacerts" -srcstorepass changeit \
                -destkeystore "$pki/truststore.p12" -deststoretype PKCS12 -deststorepass changeit >/dev/null 2>&1 \
            && keytool -importcert -noprompt -alias ai-portal-local-ca -file "$pki/ca.crt" \
                -keystore "$pki/truststore.p12" -storepass changeit >/dev/null 2>&1 \
            || die "could not write the JVM trust store $pki/truststore.p12 (keytool of $JAVA_HOME)"
    fi
    export PORTAL_CA_FILE=$pki/ca.crt PORTAL_TRUSTSTORE=$pki/truststore.p12
}

# The JVM options that make a Java process trust the local CA (besides the JDK's own CAs).
portal_jvm_trust_opts() {
    echo "-Djavax.net.ssl.trustStore=$PORTAL_TRUSTSTORE -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12"
}
