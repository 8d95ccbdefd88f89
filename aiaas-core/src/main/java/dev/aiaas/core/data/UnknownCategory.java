package dev.aiaas.core.data;

import java.util.Arrays;

/**
 * What {@link Preprocessor} does with a text value that the training rows did not have in that
 * column.
 */
public enum UnknownCategory {
    /** An error naming the row, the column, the value and the known values (the default). */
    ERROR("error"),
    /** The column's one-hot block is all zeros, as for no known value (scikit-learn's {@code handle_unknown='ignore'}). */
    ZEROS("zeros");

    private final String configName;

    UnknownCategory(String configName) {
        this.configName = configName;
    }

    /**
     * The name on the command line.
     *
     * @return {@code error} or {@code zeros}
     */
    public String configName() {
        return configName;
    }

    /**
     * The policy named {@code name}.
     *
     * @param name {@code error} or {@code zeros} (case-insensitive)
     * @return the policy
     * @throws IllegalArgumentException for another name, listing the valid ones
     */
    public static UnknownCategory parse(String name) {
        for (UnknownCategory u : values()) {
            if (u.configName.equalsIgnoreCase(name)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + name + "'; expected one of "
                + String.join(", ", Arrays.stream(values()).map(UnknownCategory::configName).toList()));
    }
}
