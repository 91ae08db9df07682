/** GPU panels: charts of a workload's or the fleet's GPUs from the GPU metrics API, over a chosen range. */
package ai.portal.ui.metrics;
