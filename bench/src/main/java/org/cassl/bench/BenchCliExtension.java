package org.cassl.bench;

import java.util.List;
import org.cassl.training.cli.CliExtension;

/** Registers {@code cassl bench} with the command line. */
public final class BenchCliExtension implements CliExtension {
    @Override
    public List<Object> commands() {
        return List.of(new BenchCommand());
    }
}
