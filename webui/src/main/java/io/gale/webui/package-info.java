/** The assembled Gale application; the web UI and REST API arrive here in a later issue. */
package io.gale.webui;
