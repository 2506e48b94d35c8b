package io.datalakelab.iot.fleet;

/**
 * A place where devices are installed. Its coordinates anchor the GPS trackers; its UTC offset puts the daily
 * cycles (warmest at 15:00, busiest at 19:00) at local time.
 */
public record SiteSpec(String name, double latitude, double longitude, int utcOffsetHours) {

    /** A coordinate of the site by name, for measurements declared {@code relativeTo: latitude|longitude}. */
    public double coordinate(String axis) {
        return switch (axis) {
            case "latitude" -> latitude;
            case "longitude" -> longitude;
            default -> throw new IllegalArgumentException("unknown site coordinate '" + axis + "'");
        };
    }

    public SiteSpec renamed(String newName) {
        return new SiteSpec(newName, latitude, longitude, utcOffsetHours);
    }
}
