package org.cassl.app.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cassl} command line. */
@Command(name = "cassl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Pure-Java FCOS detection and CA-SSL semi-supervised training.",
        subcommands = {InfoCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'cassl COMMAND --help' for the options of a command."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Builds the command tree, including subcommands contributed by {@link CliExtension}s. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Object c : CommandRegistry.builtIn()) {
            cl.addSubcommand(c);
        }
        for (CliExtension ext : ServiceLoader.load(CliExtension.class)) {
            for (Object c : ext.commands()) {
                cl.addSubcommand(c);
            }
        }
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler(ErrorReporter::handleUsageError);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Descriptions are written as lines of up to 120 columns; picocli's default of 80 would
        // re-wrap each of them into a long and a short line.
        cl.setUsageHelpWidth(120);
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cassl " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
