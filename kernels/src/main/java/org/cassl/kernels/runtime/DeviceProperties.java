package org.cassl.kernels.runtime;

/**
 * What the backend needs to know about its device.
 *
 * @param ordinal         device index
 * @param name            e.g. "NVIDIA H200"
 * @param ccMajor         compute capability major
 * @param ccMinor         compute capability minor
 * @param multiprocessors number of SMs
 * @param totalMemory     bytes of device memory
 */
public record DeviceProperties(int ordinal, String name, int ccMajor, int ccMinor, int multiprocessors,
                               long totalMemory) {

    /** The SM version as one number, e.g. 90. */
    public int sm() {
        return ccMajor * 10 + ccMinor;
    }

    /** The PTX compiler target, e.g. {@code sm_90}. */
    public String gpuName() {
        return "sm_" + ccMajor + ccMinor;
    }

    @Override
    public String toString() {
        return String.format("%s (compute capability %d.%d, %d SMs, %.1f GiB)", name, ccMajor, ccMinor, multiprocessors,
                totalMemory / (1024.0 * 1024 * 1024));
    }
}
