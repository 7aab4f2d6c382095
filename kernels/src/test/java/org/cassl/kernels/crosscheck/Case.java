package org.cassl.kernels.crosscheck;

/**
 * One named cross-backend check.
 *
 * @param family group (elementwise, reduce, ...)
 * @param name   what it checks
 * @param body   the check; throws AssertionError on a mismatch
 */
public record Case(String family, String name, Body body) {

    /** The check itself. */
    @FunctionalInterface
    public interface Body {
        void run(Ctx c);
    }

    /** Outcome of running a case. */
    public enum Status { PASS, FAIL, SKIP }

    /**
     * Result of one case.
     *
     * @param status   pass, fail or skip
     * @param message  failure or skip reason
     * @param maxRelError largest relative difference seen
     * @param millis   wall time
     */
    public record Result(Case c, Status status, String message, double maxRelError, long millis) {
        @Override
        public String toString() {
            return String.format("%-4s %-12s %-48s %8d ms  max rel err %.2e%s", status, c.family(), c.name(), millis,
                    maxRelError, message == null ? "" : "  " + message);
        }
    }

    /**
     * Runs the case: a mismatch is FAIL, a CPU primitive that is not implemented yet
     * ({@link UnsupportedOperationException}) is SKIP, anything else thrown is FAIL.
     */
    public Result run(org.cassl.tensor.Backend cpu, org.cassl.tensor.Backend gpu, long seed) {
        Ctx c = new Ctx(cpu, gpu, seed);
        long t0 = System.nanoTime();
        try {
            body.run(c);
            return new Result(this, Status.PASS, null, c.maxError(), (System.nanoTime() - t0) / 1_000_000);
        } catch (UnsupportedOperationException e) {
            return new Result(this, Status.SKIP, "not implemented: " + e.getMessage(), c.maxError(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (AssertionError e) {
            return new Result(this, Status.FAIL, e.getMessage(), c.maxError(), (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            java.io.StringWriter sw = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(sw));
            return new Result(this, Status.FAIL, e + "\n" + sw, c.maxError(), (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
