package org.cassl.kernels;

/** Prints {@link CudaInfo#lines()}: {@code java -cp ... org.cassl.kernels.CudaInfoMain}. */
public final class CudaInfoMain {
    private CudaInfoMain() {
    }

    public static void main(String[] args) {
        CudaInfo.lines().forEach(System.out::println);
    }
}
