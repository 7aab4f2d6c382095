/**
 * The {@code cassl} command line (picocli commands) and its shared defaults ({@link org.cassl.training.cli.CliDefaults}).
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.training.cli;
