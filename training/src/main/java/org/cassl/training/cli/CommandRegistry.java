package org.cassl.training.cli;

import java.util.ArrayList;
import java.util.List;

/** The built-in subcommands besides {@code info} and {@code help}, in the order --help lists them. */
final class CommandRegistry {
    private CommandRegistry() {
    }

    static List<Object> builtIn() {
        List<Object> l = new ArrayList<>();
        l.add(new GenerateShapesCommand());
        l.add(new EvalCommand());
        return l;
    }
}
