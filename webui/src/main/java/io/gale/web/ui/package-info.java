/**
 * Gale's web UI: server-rendered pages (Thymeleaf templates under {@code io/gale/web/ui/templates})
 * over the operations API and the serialized DAGs, never DAG code. {@link io.gale.web.ui.UiRoutes}
 * is the route table; {@link io.gale.web.ui.Views} builds what each page shows; htmx (from its
 * WebJar) refreshes the grid while runs are active, and every page reads without JavaScript.
 */
package io.gale.web.ui;
