/** Tails kubelet CRI log files into OpenSearch at least once, without duplicates; see DESIGN.md here. */
package ai.portal.logs.collector;
