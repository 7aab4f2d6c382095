package org.cassl.kernels.runtime;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Finds out once whether the CUDA driver can be used here: loads JCuda's driver bindings (which
 * need {@code libcuda.so.1}), calls {@code cuInit} and counts devices. Never throws: every failure
 * becomes a reason string for {@code cassl info} and error messages.
 */
public final class DriverProbe {

    /**
     * The probe's outcome.
     *
     * @param available     whether at least one device can be used
     * @param reason        why not, or a short description of what was found
     * @param deviceCount   number of devices (0 when unavailable)
     * @param driverVersion the driver's CUDA version as {@code 1000*major + 10*minor}, 0 when unknown
     */
    public record Status(boolean available, String reason, int deviceCount, int driverVersion) {
    }

    private static volatile Status status;

    private DriverProbe() {
    }

    /** The cached probe result (probing on first call). */
    public static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (DriverProbe.class) {
                s = status;
                if (s == null) {
                    s = probe();
                    status = s;
                }
            }
        }
        return s;
    }

    private static Status probe() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc != CUresult.CUDA_SUCCESS) {
                return new Status(false, "cuInit failed: " + CUresult.stringFor(rc), 0, 0);
            }
            int[] version = new int[1];
            JCudaDriver.cuDriverGetVersion(version);
            int[] count = new int[1];
            rc = JCudaDriver.cuDeviceGetCount(count);
            if (rc != CUresult.CUDA_SUCCESS) {
                return new Status(false, "cuDeviceGetCount failed: " + CUresult.stringFor(rc), 0, version[0]);
            }
            if (count[0] == 0) {
                return new Status(false, "no CUDA device found (driver " + versionString(version[0]) + ")", 0, version[0]);
            }
            return new Status(true, count[0] + " CUDA device(s), driver " + versionString(version[0]), count[0],
                    version[0]);
        } catch (Throwable t) {
            return new Status(false, describe(t), 0, 0);
        }
    }

    /** A one-line reason for a failure to load or initialise the driver bindings. */
    public static String describe(Throwable t) {
        String msg = fullMessage(t);
        if (msg.contains("libcuda.so")) {
            return "no CUDA driver (libcuda.so.1 not found)";
        }
        if (t instanceof UnsatisfiedLinkError || t instanceof NoClassDefFoundError) {
            String first = msg.isBlank() ? t.getClass().getSimpleName() : msg.strip().lines().findFirst().orElse("");
            return "JCuda driver bindings could not be loaded: " + first;
        }
        return "CUDA driver probe failed: " + t;
    }

    private static String fullMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                sb.append(c.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code 13000 -> "13.0"}. */
    public static String versionString(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }
}
