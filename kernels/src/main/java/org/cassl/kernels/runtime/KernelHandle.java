package org.cassl.kernels.runtime;

/**
 * A kernel entry point of a loaded module: its names, the byte size of each parameter (from the
 * PTX, to check launches) and the implementation's function object (a {@code CUfunction}, or null
 * in recording fakes).
 */
public record KernelHandle(String module, String name, int[] paramSizes, Object function) {

    @Override
    public String toString() {
        return module + "." + name;
    }
}
