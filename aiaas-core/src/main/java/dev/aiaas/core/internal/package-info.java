/** Internal helpers shared by aiaas's packages; not part of the API and may change at any time. */
package dev.aiaas.core.internal;
