package org.cassl.kernels;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.cassl.kernels.runtime.DriverProbe;
import org.cassl.kernels.runtime.PtxSource;

/**
 * What {@code cassl info} reports about CUDA: whether the driver was found (and if not, why), each
 * device's name, memory and compute capability, whether cuBLAS loads, and where the kernels' PTX
 * came from. Queries devices without creating contexts; never throws.
 */
public final class CudaInfo {
    private CudaInfo() {
    }

    /** Multi-line report. */
    public static List<String> lines() {
        List<String> out = new ArrayList<>();
        DriverProbe.Status s;
        try {
            s = DriverProbe.status();
        } catch (Throwable t) {
            out.add("CUDA: not available: probe failed: " + t);
            return out;
        }
        if (!s.available()) {
            out.add("CUDA: not available: " + s.reason());
        } else {
            out.add("CUDA: driver " + DriverProbe.versionString(s.driverVersion()) + ", " + s.deviceCount() + " device(s)");
            for (int i = 0; i < s.deviceCount(); i++) {
                out.add("  cuda:" + i + ": " + describeDevice(i));
            }
        }
        out.add("  kernels: " + PtxSource.MODULES.length + " PTX modules, " + PtxSource.provenance()
                + "; loader " + System.getProperty("cassl.cuda.loader", "cubin"));
        out.add("  cuBLAS: " + cublasStatus());
        return out;
    }

    /** One line for {@code BackendProvider.unavailableReason()} when CUDA is available. */
    public static String summary() {
        DriverProbe.Status s = DriverProbe.status();
        StringBuilder sb = new StringBuilder("driver " + DriverProbe.versionString(s.driverVersion()));
        for (int i = 0; i < s.deviceCount(); i++) {
            sb.append("; cuda:").append(i).append(' ').append(describeDevice(i));
        }
        sb.append("; cuBLAS ").append(cublasStatus());
        return sb.toString();
    }

    static String describeDevice(int ordinal) {
        try {
            CUdevice d = new CUdevice();
            JCudaDriver.cuDeviceGet(d, ordinal);
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, d);
            int n = 0;
            while (n < name.length && name[n] != 0) {
                n++;
            }
            long[] total = new long[1];
            JCudaDriver.cuDeviceTotalMem(total, d);
            int[] major = new int[1];
            int[] minor = new int[1];
            int[] sms = new int[1];
            JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
            JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d);
            JCudaDriver.cuDeviceGetAttribute(sms, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, d);
            return String.format("%s, compute capability %d.%d, %d SMs, %.1f GiB", new String(name, 0, n,
                    StandardCharsets.US_ASCII), major[0], minor[0], sms[0], total[0] / (1024.0 * 1024 * 1024));
        } catch (Throwable t) {
            return "unknown (" + t + ")";
        }
    }

    /** Whether JCublas' native library (and with it libcublas.so.12) loads. */
    public static String cublasStatus() {
        try {
            Class.forName("jcuda.jcublas.JCublas2", true, CudaInfo.class.getClassLoader());
            return "loaded (libcublas.so.12)";
        } catch (Throwable t) {
            String msg = String.valueOf(t.getMessage());
            for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
                msg += " " + c.getMessage();
            }
            if (msg.contains("libcublas")) {
                return "not loaded: libcublas.so.12 not found (our own GEMM kernels are used)";
            }
            return "not loaded: " + t.getClass().getSimpleName() + " (our own GEMM kernels are used)";
        }
    }
}
