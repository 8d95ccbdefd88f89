/**
 * The {@code aiaas} command-line tool. Exit codes: 0 success, 1 failure, 2 bad usage. Errors are
 * one line on standard error, with the stack trace only under {@code --verbose}.
 */
package dev.aiaas.cli;
