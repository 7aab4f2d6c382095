package org.cassl.kernels.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entry points of a PTX module with the byte size of each parameter, read from the
 * {@code .entry name( .param ... )} declarations. Launches are checked against these so that a
 * Java launcher and its kernel cannot silently disagree on the argument list.
 */
public final class PtxSignatures {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern ARRAY = Pattern.compile("\\[(\\d+)]\\s*$");

    private final Map<String, int[]> entries;
    private final Map<String, String[]> types;

    private PtxSignatures(Map<String, int[]> entries, Map<String, String[]> types) {
        this.entries = entries;
        this.types = types;
    }

    /** Parses every {@code .entry} of a PTX text. */
    public static PtxSignatures parse(String ptx) {
        Map<String, int[]> m = new LinkedHashMap<>();
        Map<String, String[]> t = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<Integer> sizes = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            for (String decl : e.group(2).split(",")) {
                String d = decl.trim();
                if (d.isEmpty()) {
                    continue;
                }
                sizes.add(paramSize(d, e.group(1)));
                kinds.add(paramType(d));
            }
            m.put(e.group(1), sizes.stream().mapToInt(Integer::intValue).toArray());
            t.put(e.group(1), kinds.toArray(new String[0]));
        }
        return new PtxSignatures(m, t);
    }

    /** The parameter's PTX type: {@code .u64}, {@code .f32}, ... or {@code .b8[N]} for by-value aggregates. */
    static String paramType(String decl) {
        Matcher a = ARRAY.matcher(decl);
        if (a.find()) {
            return ".b8[" + a.group(1) + "]";
        }
        for (String tok : decl.split("\\s+")) {
            if (tok.matches("\\.[usbf](8|16|32|64)")) {
                return tok;
            }
        }
        return "?";
    }

    static int paramSize(String decl, String entry) {
        Matcher a = ARRAY.matcher(decl);
        if (a.find()) {
            return Integer.parseInt(a.group(1));
        }
        for (String tok : decl.split("\\s+")) {
            switch (tok) {
                case ".u8": case ".s8": case ".b8": return 1;
                case ".u16": case ".s16": case ".b16": case ".f16": return 2;
                case ".u32": case ".s32": case ".b32": case ".f32": return 4;
                case ".u64": case ".s64": case ".b64": case ".f64": return 8;
                default: break;
            }
        }
        throw new IllegalArgumentException("cannot size PTX parameter '" + decl + "' of entry " + entry);
    }

    /** Parameter sizes of an entry, or null when the module has no such entry. */
    public int[] sizes(String entry) {
        int[] s = entries.get(entry);
        return s == null ? null : s.clone();
    }

    /** Parameter types of an entry ({@link #paramType}), or null. */
    public String[] types(String entry) {
        String[] t = types.get(entry);
        return t == null ? null : t.clone();
    }

    public Map<String, int[]> all() {
        return Collections.unmodifiableMap(entries);
    }

    /**
     * Checks a launch's arguments against an entry's parameters; throws
     * {@link IllegalArgumentException} naming the kernel and the first mismatch.
     */
    public static void check(String entry, int[] sizes, KernelArgs args) {
        List<byte[]> p = args.params();
        if (p.size() != sizes.length) {
            throw new IllegalArgumentException("kernel " + entry + " takes " + sizes.length + " parameters, launch passes "
                    + p.size());
        }
        for (int i = 0; i < sizes.length; i++) {
            if (p.get(i).length != sizes[i]) {
                throw new IllegalArgumentException("kernel " + entry + " parameter " + i + " is " + sizes[i]
                        + " bytes, launch passes " + p.get(i).length);
            }
        }
    }
}
