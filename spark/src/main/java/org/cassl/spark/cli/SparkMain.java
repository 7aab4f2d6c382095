package org.cassl.spark.cli;

import org.cassl.training.UserInputException;
import picocli.CommandLine;

/**
 * Main class of {@code cassl-spark.jar} for {@code spark-submit}: {@code spark-submit ... cassl-spark.jar pseudo-label ...}.
 * Bad input ends with one line on stderr and exit status 2.
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new SparkCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            while (!(t instanceof UserInputException) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            if (t instanceof UserInputException || e instanceof IllegalArgumentException) {
                System.err.println("cassl spark: " + (t instanceof UserInputException ? t : e).getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }
}
