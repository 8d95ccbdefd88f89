/**
 * An embedded inference server: aiaas models over HTTP in TF Serving's REST shape
 * ({@code POST /v1/models/NAME:predict} with {@code {"instances": [...]}}), secure by default.
 * {@link dev.aiaas.serving.ServerConfig} holds the settings, {@link dev.aiaas.serving.AiaasServer}
 * starts and stops the server; {@code aiaas serve} is the command line's way to it.
 */
package dev.aiaas.serving;
