{{/* Names and labels. */}}
{{- define "condenser.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "condenser.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "condenser.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "condenser.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "condenser.selectorLabels" -}}
app.kubernetes.io/name: {{ include "condenser.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "condenser.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "condenser.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "condenser.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "condenser.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "condenser.secretName" -}}
{{- default (include "condenser.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "condenser.jdbcUrl" -}}
{{- with .Values.database }}
{{- printf "jdbc:postgresql://%s:%v/%s?sslmode=%s" .host .port .name .sslmode }}
{{- end }}
{{- end }}

{{/* The image of a pod; (dict "root" $ "gpu" true) picks the GPU flavour. */}}
{{- define "condenser.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag }}
{{- if .gpu }}
{{- $tag = default (printf "%s-gpu" $tag) .root.Values.image.gpuTag }}
{{- end }}
{{- printf "%s:%s" .root.Values.image.repository $tag }}
{{- end }}

{{/* Settings every container shares: the ConfigMap, the secrets, extraEnv. Roles are set by each Deployment. */}}
{{- define "condenser.envFrom" -}}
- configMapRef:
    name: {{ include "condenser.fullname" . }}
{{- end }}

{{- define "condenser.sharedEnv" -}}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "condenser.secretName" . }}
      key: database-password
# Optional: a deployment whose API keys already exist in the database may run without an admin key.
- name: CONDENSER_SECURITY_ADMINKEY
  valueFrom:
    secretKeyRef:
      name: {{ include "condenser.secretName" . }}
      key: admin-key
      optional: true
{{- if eq .Values.storage.type "s3" }}
# Optional: without keys the AWS SDK's default chain applies (IRSA, instance profile).
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "condenser.secretName" . }}
      key: s3-access-key-id
      optional: true
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "condenser.secretName" . }}
      key: s3-secret-access-key
      optional: true
{{- end }}
- name: CONDENSER_WEBHOOKS_SIGNINGSECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "condenser.secretName" . }}
      key: webhook-signing-secret
      optional: true
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "condenser.ports" -}}
- name: http
  containerPort: 8080
  protocol: TCP
{{- end }}

{{- define "condenser.probes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end }}

{{/*
Writable places under a read-only root filesystem: /tmp (uploads, job files, ONNX Runtime's natives), the cache
(DJL's natives) and the filesystem store's root (the shared claim, or scratch with S3).
(dict "root" $ "tmpSizeLimit" … "cacheSizeLimit" …)
*/}}
{{- define "condenser.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: cache
  mountPath: /var/cache/condenser
- name: artifacts
  mountPath: /var/lib/condenser/artifacts
{{- end }}

{{- define "condenser.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .tmpSizeLimit }}
- name: cache
  emptyDir:
    sizeLimit: {{ .cacheSizeLimit }}
- name: artifacts
{{- if eq .root.Values.storage.type "filesystem" }}
  persistentVolumeClaim:
    claimName: {{ .root.Values.storage.filesystem.existingClaim }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}

{{/* Fails the release early on settings that cannot work. */}}
{{- define "condenser.validate" -}}
{{- if not (has .Values.storage.type (list "s3" "filesystem")) }}
{{- fail (printf "storage.type must be s3 or filesystem, not %q" .Values.storage.type) }}
{{- end }}
{{- if and (not .Values.secrets.existingSecret) (not .Values.database.password) }}
{{- fail "database.password is required (or secrets.existingSecret naming a Secret with the key database-password)" }}
{{- end }}
{{- if and (eq .Values.storage.type "filesystem") (not .Values.storage.filesystem.existingClaim) }}
{{- fail "storage.type filesystem needs storage.filesystem.existingClaim (a ReadWriteMany claim every replica mounts)" }}
{{- end }}
{{- range $name, $pool := .Values.workers }}
{{- if and $pool.enabled (not (has $pool.devices (list "cpu" "gpu" "cpu,gpu" ""))) }}
{{- fail (printf "workers.%s.devices must be cpu, gpu, \"cpu,gpu\" or empty, not %q" $name $pool.devices) }}
{{- end }}
{{- end }}
{{- end }}
