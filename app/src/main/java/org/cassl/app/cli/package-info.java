/**
 * The {@code cassl} command line: picocli commands that parse, call the API of {@code org.cassl.training.api}, and write.
 *
 * <p>Internal: not a supported API, and it may change between versions. Applications use
 * {@link org.cassl.training.api}.
 */
package org.cassl.app.cli;
