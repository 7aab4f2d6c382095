package org.cassl.app.cli;

import java.util.ArrayList;
import java.util.List;

/** The built-in subcommands besides {@code info} and {@code help}, in the order --help lists them. */
final class CommandRegistry {
    private CommandRegistry() {
    }

    static List<Object> builtIn() {
        List<Object> l = new ArrayList<>();
        l.add(new DemoCommand());
        l.add(new GenerateShapesCommand());
        l.add(new TrainCommand());
        l.add(new PseudoLabelCommand());
        l.add(new CaSslCommand());
        l.add(new DetectCommand());
        l.add(new EvalCommand());
        l.add(new LossCommand());
        l.add(new ConvertCommand());
        l.add(new BenchCommand());
        l.add(new org.cassl.app.serve.ServeCommand());
        l.add(new org.cassl.spark.cli.SparkCommand());
        return l;
    }
}
