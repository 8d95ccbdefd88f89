/**
 * Internal helpers shared by aiaas's packages; not part of the API and may change at any time.
 *
 * <p>aiaas-core is an automatic module ({@code Automatic-Module-Name: dev.aiaas.core}; a
 * {@code module-info} is not possible while ND4J's jars cannot be read on the module path), and an
 * automatic module exports all its packages, this one included. Applications must not use it: no
 * type here is covered by compatibility between versions.
 */
package dev.aiaas.core.internal;
