package org.cassl.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cassl bench NAME ...}: end-to-end benchmarks with the PyTorch peer side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; with PyTorch installed for /usr/bin/python3 the peer runs side by side and the ratio is printed.",
        subcommands = {CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
