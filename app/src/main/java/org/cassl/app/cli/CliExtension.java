package org.cassl.app.cli;

/**
 * Adds subcommands to {@code cassl} from modules that sit above {@code training} (the
 * {@code bench} module provides {@code cassl bench}). Found with {@link java.util.ServiceLoader}.
 */
public interface CliExtension {
    /** Picocli command objects (annotated with {@code @Command}) to register as subcommands. */
    java.util.List<Object> commands();
}
