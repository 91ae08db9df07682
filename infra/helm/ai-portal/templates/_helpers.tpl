{{/* Names ---------------------------------------------------------------------------------------------- */}}

{{- define "ai-portal.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* the four services: values key -> component name (also the image name and the Spring application name) */}}
{{- define "ai-portal.components" -}}
portalUi: portal-ui
tenantService: tenant-service
jobRunner: job-runner
loggingPipeline: logging-pipeline
{{- end -}}

{{/* <fullname>-<component>: Deployment, Service, ServiceAccount */}}
{{- define "ai-portal.componentFullname" -}}
{{- printf "%s-%s" (include "ai-portal.fullname" .root) .component -}}
{{- end -}}

{{/* cluster-scoped objects carry the release namespace too: two releases of one name in two namespaces */}}
{{- define "ai-portal.clusterName" -}}
{{- printf "%s-%s-%s" .root.Release.Namespace (include "ai-portal.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ai-portal.installationId" -}}
{{- required "installationId is required: a fixed id for this installation (every object the portal creates carries it)" .Values.installationId -}}
{{- end -}}

{{/* Labels ---------------------------------------------------------------------------------------------- */}}

{{- define "ai-portal.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: ai-portal
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: ai-portal
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
portal.ai/instance: {{ include "ai-portal.installationId" . }}
{{- end -}}

{{- define "ai-portal.componentLabels" -}}
{{ include "ai-portal.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ai-portal.selectorLabels" -}}
app.kubernetes.io/name: ai-portal
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ai-portal.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .component (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{- define "ai-portal.issuer" -}}
{{- printf "%s/realms/%s" (required "keycloak.url is required" .Values.keycloak.url | trimSuffix "/") .Values.keycloak.realm -}}
{{- end -}}

{{- define "ai-portal.serviceUrl" -}}
{{- printf "http://%s.%s.svc:%v" (include "ai-portal.componentFullname" .) .root.Release.Namespace .root.Values.ports.http -}}
{{- end -}}

{{/* JVM options, with the trust store when one is given (the password expands from the env var before it) */}}
{{- define "ai-portal.javaEnv" -}}
{{- if .root.Values.trust.existingSecret -}}
- name: PORTAL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.trust.existingSecret }}
      key: {{ .root.Values.trust.passwordKey }}
- name: JAVA_TOOL_OPTIONS
  value: {{ printf "%s -Djavax.net.ssl.trustStore=/etc/ai-portal/trust/truststore.p12 -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=$(PORTAL_TRUSTSTORE_PASSWORD)" .javaOpts | trim | quote }}
{{- else -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ .javaOpts | quote }}
{{- end -}}
{{- end -}}

{{/* The Secret with the job runner's key for notebook tokens: the operator's, or the one notebook-tokens.yaml makes. */}}
{{- define "ai-portal.notebookTokenSecret" -}}
{{- if .Values.notebooks.tokenKey.existingSecret -}}
{{- .Values.notebooks.tokenKey.existingSecret -}}
{{- else -}}
{{- printf "%s-notebook-tokens" (include "ai-portal.componentFullname" (dict "root" . "component" "job-runner")) -}}
{{- end -}}
{{- end -}}
