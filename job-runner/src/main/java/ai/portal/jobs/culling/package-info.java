/**
 * Idle culling of notebooks: the leader's loop that warns, then stops, notebooks idle past their limit (Jupyter's
 * own activity, kernels, GPU utilisation where metrics exist), and the extension users ask for. See DESIGN.md.
 */
package ai.portal.jobs.culling;
