package org.cassl.training.pipeline;

/** How the stage-2 warmup uses the pseudo-labels. */
public enum WarmupMode {
    /** CA-SSL: one "object" class, class information removed. */
    CLASS_AGNOSTIC("ca_ssl", "class-agnostic"),
    /** The ablation: pseudo-labels keep the teacher's classes. */
    CLASS_AWARE("class_aware", "class-aware");

    private final String resultKey;
    private final String cliName;

    WarmupMode(String resultKey, String cliName) {
        this.resultKey = resultKey;
        this.cliName = cliName;
    }

    /** The key of this model in results.json. */
    public String resultKey() {
        return resultKey;
    }

    public String cliName() {
        return cliName;
    }

    public static WarmupMode parse(String s) {
        for (WarmupMode m : values()) {
            if (m.cliName.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown warmup mode '" + s + "' (expected class-agnostic or class-aware)");
    }
}
