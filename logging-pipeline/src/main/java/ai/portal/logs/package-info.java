/**
 * The logging pipeline: {@code collector} tails kubelet CRI log files into OpenSearch, {@code query} serves
 * tenant-scoped search and live tail, {@code opensearch} owns the client, index template and retention,
 * {@code kubernetes} the optional cluster access (pod labels, pod log API fallback).
 */
package ai.portal.logs;
