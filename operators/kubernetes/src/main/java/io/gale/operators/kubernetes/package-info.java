/** The Kubernetes executor ({@code GALE_EXECUTOR=kubernetes}): each try runs in a pod made from a pod template. */
package io.gale.operators.kubernetes;
