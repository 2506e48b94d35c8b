package io.datalakelab.core.health;

/** One thing a service depends on, asked for its state each time {@code /health} is read. */
@FunctionalInterface
public interface HealthCheck {

    Status check();

    /** {@code detail} says what is wrong (or what is fine) in words an operator can act on. */
    record Status(boolean healthy, String detail) {

        public static Status up(String detail) {
            return new Status(true, detail);
        }

        public static Status down(String detail) {
            return new Status(false, detail);
        }
    }
}
