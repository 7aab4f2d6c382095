package org.cassl.app.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.cassl.tensor.BackendUnavailableException;
import org.cassl.tensor.io.SafeTensorsException;
import org.cassl.training.UserInputException;
import picocli.CommandLine;

/**
 * Turns exceptions escaping a command into one line on stderr and an exit status: 2 for bad
 * input (the user can fix it), 1 for internal errors. Stack traces only with {@code CASSL_DEBUG=1}.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int INTERNAL = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        boolean debug = "1".equals(System.getenv("CASSL_DEBUG"));
        int code = isBadInput(ex) ? BAD_INPUT : INTERNAL;
        String msg = message(ex);
        // the qualified name: "cassl spark ca-ssl", not just "ca-ssl" or the one-machine command's
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + msg);
        if (debug) {
            ex.printStackTrace(err);
        } else if (code == INTERNAL) {
            err.println("(internal error; run with CASSL_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return code;
    }

    /**
     * A command line picocli cannot parse (unknown option, bad value): one line naming the problem
     * and where the help is, exit status 2, instead of picocli's message followed by the whole usage.
     */
    static int handleUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        PrintWriter err = cmd.getErr();
        err.println(name + ": error: " + ex.getMessage().replace('\n', ' ').strip() + " (see '" + name + " --help')");
        err.flush();
        return BAD_INPUT;
    }

    static boolean isBadInput(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserInputException || c instanceof SafeTensorsException || c instanceof IllegalArgumentException
                    || c instanceof NoSuchFileException || c instanceof AccessDeniedException
                    || c instanceof BackendUnavailableException || c instanceof UncheckedIOException
                    || c instanceof java.io.IOException || isBadInputByName(c)) {
                return true;
            }
        }
        return false;
    }

    /** Format exceptions from lower modules (COCO, config, state dicts) that this class cannot import. */
    private static boolean isBadInputByName(Throwable c) {
        String n = c.getClass().getSimpleName();
        return n.endsWith("FormatException") || n.equals("ConfigException") || n.equals("StateDictException")
                || n.equals("ImageReadException") || n.equals("ShapesException")
                || n.equals("TrainingFailedException");
    }

    static String message(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t instanceof UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t instanceof NoSuchFileException) {
            return "file not found: " + m;
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (m == null) {
            m = t.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }
}
