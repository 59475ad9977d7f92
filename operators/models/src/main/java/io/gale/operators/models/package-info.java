/**
 * Model deployment and serving: {@link io.gale.operators.models.DeployModelOperator} tells model
 * servers about a new production version over a signed webhook ({@link io.gale.operators.models.WebhookSignature},
 * Standard Webhooks), and
 * {@link io.gale.operators.models.ModelServer} ({@code gale serve}, in {@code models.cli}) answers
 * recommendations and swaps versions without dropping a request. Artifacts are read through
 * {@link io.gale.operators.models.ArtifactLoader}.
 */
package io.gale.operators.models;
